// The NLU review by keyboard: j/k move between rows, Enter or c confirms the row's chosen intent,
// x discards, 1-9 choose the model's ranked intents. Actions are posted with fetch (CSRF header)
// and the page moves on to the next row; without this script the forms post normally.
"use strict";

const body = document.getElementById("review-body");
const empty = document.getElementById("review-empty");
const errorBox = document.getElementById("review-error");
const status = document.createElement("p");
status.className = "hint";
status.setAttribute("aria-live", "polite");
body.closest("table").after(status);
let current = null;

const DONE = { confirmed: "dikonfirmasi", corrected: "dikoreksi", discarded: "dibuang" };

function rows() {
  return [...body.querySelectorAll("tr.review-row")];
}

function choose(row) {
  if (current) current.classList.remove("selected");
  current = row || null;
  if (current) {
    current.classList.add("selected");
    current.scrollIntoView({ block: "nearest" });
  }
}

function move(step) {
  const all = rows();
  const at = all.indexOf(current);
  choose(all[Math.min(Math.max(at + step, 0), all.length - 1)]);
}

function pick(row, rank) {
  const ranked = row.querySelectorAll(".ranking li")[rank - 1];
  const intent = row.querySelector("select[name=intent]");
  if (!ranked || ![...intent.options].some((o) => o.value === ranked.dataset.intent)) return;
  intent.value = ranked.dataset.intent;
  row.querySelectorAll(".ranking li").forEach((li) => li.classList.toggle("picked", li === ranked));
}

function showCounts(waiting) {
  let total = 0;
  for (const [reason, count] of Object.entries(waiting)) {
    total += count;
    const cell = document.querySelector(`#waiting [data-count="${reason}"]`);
    if (cell) cell.textContent = count;
  }
  document.querySelector('#waiting [data-count="total"]').textContent = total;
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

function finish(row, text) {
  const all = rows();
  const next = all[all.indexOf(row) + 1] || all[all.indexOf(row) - 1];
  row.remove();
  choose(next);
  status.textContent = text;
  if (!rows().length) empty.hidden = false;
}

async function act(row, action) {
  if (row.classList.contains("busy")) return;
  const form = row.querySelector("form");
  const intent = form.elements.intent.value;
  const data = new URLSearchParams(action === "confirm" ? { intent } : {});
  row.classList.add("busy");
  errorBox.hidden = true;
  try {
    const response = await fetch(`/dashboard/admin/review/${row.dataset.id}/${action}`, {
      method: "POST",
      headers: { "X-CSRF-Token": form.elements.csrf_token.value, Accept: "application/json" },
      body: data,
    });
    if (response.redirected) {
      window.location.assign(response.url); // the session ended: the login page
      return;
    }
    const answer = await response.json().catch(() => ({}));
    if (response.status === 409) {
      finish(row, answer.error); // reviewed meanwhile, e.g. by another admin
    } else if (!response.ok) {
      showError(answer.error || `Gagal (HTTP ${response.status})`);
    } else {
      showCounts(answer.waiting);
      const label = `Pesan ${row.dataset.id} ${DONE[answer.status]}`;
      finish(row, action === "confirm" ? `${label} sebagai ${intent}` : label);
    }
  } catch (error) {
    showError(`Gagal: ${error.message}`);
  } finally {
    row.classList.remove("busy");
  }
}

body.addEventListener("submit", (event) => {
  event.preventDefault();
  const row = event.target.closest("tr.review-row");
  const discard = event.submitter && event.submitter.classList.contains("discard");
  choose(row);
  act(row, discard ? "discard" : "confirm");
});

body.addEventListener("click", (event) => {
  const row = event.target.closest("tr.review-row");
  if (row && row !== current) choose(row);
});

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.matches("select, input, textarea")) {
    if (event.key === "Escape") target.blur();
    return;
  }
  if (target.matches("button, a") && event.key === "Enter") return; // its own action
  if (event.key === "j") move(1);
  else if (event.key === "k") move(-1);
  else if ((event.key === "Enter" || event.key === "c") && current) act(current, "confirm");
  else if (event.key === "x" && current) act(current, "discard");
  else if (/^[1-9]$/.test(event.key) && current) pick(current, Number(event.key));
  else return;
  event.preventDefault();
});

choose(rows()[0]);
