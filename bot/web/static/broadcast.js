// Keep a broadcast's progress bar and counts current until it is done or cancelled.
"use strict";

const box = document.getElementById("progress");
const STATUS_NAMES = {
  scheduled: "terjadwal", sending: "sedang dikirim", done: "selesai", cancelled: "dibatalkan",
};
if (box) {
  const show = (body) => {
    const status = document.getElementById("status");
    status.textContent = STATUS_NAMES[body.status] || body.status;
    status.dataset.status = body.status;
    const bar = document.getElementById("bar");
    bar.max = body.recipients || 1;
    bar.value = body.recipients ? body.finished : 0;
    document.getElementById("fraction").textContent = `${body.finished}/${body.recipients}`;
    for (const key of ["sent", "delivered", "failed", "unreachable", "cancelled", "queued"]) {
      document.getElementById(key).textContent = body[key];
    }
  };
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.url, { credentials: "same-origin" });
      if (response.ok) {
        const body = await response.json();
        show(body);
        if (body.status === "done" || body.status === "cancelled") {
          const cancel = document.getElementById("cancel");
          if (cancel) cancel.remove();
          return;
        }
      }
    } catch (error) {
      // a failed poll is retried
    }
    window.setTimeout(poll, 1000);
  };
  poll();
}
