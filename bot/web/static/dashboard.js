// Live queue: polls the queue API with the page's filters and redraws the table without a
// reload. A new urgent ticket shows an alert and beeps. Citizen text is set as textContent.
"use strict";

const POLL_MS = 5000;
const body = document.getElementById("queue-body");
const alertBox = document.getElementById("alert");
let known = new Set([...body.querySelectorAll("tr[data-code]")].map((row) => row.dataset.code));

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function badge(text, extra) {
  const span = document.createElement("span");
  span.className = extra ? `badge ${extra}` : "badge";
  span.textContent = text;
  return span;
}

function row(ticket) {
  const tr = document.createElement("tr");
  tr.dataset.code = ticket.code;
  tr.className = [ticket.urgent ? "urgent" : "", ticket.overdue ? "overdue" : ""].join(" ").trim();
  const code = document.createElement("td");
  const link = document.createElement("a");
  link.href = `/dashboard/tickets/${encodeURIComponent(ticket.code)}`;
  link.textContent = ticket.code;
  code.append(link);
  if (ticket.urgent) code.append(" ", badge("DARURAT"));
  const due = cell(ticket.due_wib);
  if (ticket.overdue) due.append(" ", badge("TERLAMBAT", "late"));
  tr.append(code, cell(ticket.category_label), cell(ticket.status_label),
    cell(ticket.assignee || ""), cell(ticket.channel_label), cell(ticket.created_wib), due,
    cell(ticket.first_message, "text"));
  return tr;
}

function beep() {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = 880;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  } catch (error) {
    // No sound before the officer has interacted with the page; the alert still shows.
  }
}

async function poll() {
  const response = await fetch(`/dashboard/api/queue${window.location.search}`);
  if (response.status === 401) {
    window.location.assign("/login?next=/dashboard");
    return;
  }
  if (!response.ok) return;
  const { tickets } = await response.json();
  const fresh = tickets.filter((ticket) => !known.has(ticket.code));
  body.replaceChildren(...tickets.map(row));
  known = new Set(tickets.map((ticket) => ticket.code));
  const urgent = fresh.filter((ticket) => ticket.urgent);
  if (urgent.length) {
    alertBox.textContent = `Tiket DARURAT baru: ${urgent.map((t) => t.code).join(", ")}`;
    alertBox.hidden = false;
    beep();
  }
}

setInterval(() => poll().catch(() => {}), POLL_MS);
