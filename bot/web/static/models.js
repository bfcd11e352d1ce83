// While a model trains, show the end of its log and reload the page when it is done.
"use strict";

const training = document.getElementById("training");
const logBox = document.getElementById("training-log");
if (training && logBox) {
  const poll = async () => {
    try {
      const response = await fetch(training.dataset.log, { credentials: "same-origin" });
      if (response.ok) {
        const body = await response.json();
        logBox.textContent = body.log || "…";
        if (body.status !== "training") {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // a failed poll is retried
    }
    window.setTimeout(poll, 3000);
  };
  poll();
}
