// Picking a canned reply puts its text in the reply box, where the officer can still edit it.
"use strict";

const canned = document.getElementById("canned");
const replyText = document.getElementById("reply-text");
if (canned && replyText) {
  canned.addEventListener("change", () => {
    if (canned.value) replyText.value = canned.value;
  });
}
