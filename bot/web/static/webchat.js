// Web chat client: posts messages, renders replies and buttons, polls for officers' replies.
"use strict";

const POLL_MS = 3000;
const LOCATION_SHARED = "📍 Lokasi dibagikan";
const STARTED = "Mulai"; // shown for the /start the page sends on a first visit
const log = document.getElementById("log");
const form = document.getElementById("composer");
const input = document.getElementById("text");
const sendButton = document.getElementById("send");
const session = sessionId();
const base = `/api/webchat/${session}/messages`;
const history = `/api/webchat/${session}/history`;
let lastId = Number(localStorage.getItem(`polres-last-${session}`) || 0);

// 32 random hex digits. getRandomValues, unlike randomUUID, also works on a page served over
// plain http from an address other than localhost.
function randomHex() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function sessionId() {
  let id = localStorage.getItem("polres-session");
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(id || "")) {
    id = randomHex();
    localStorage.setItem("polres-session", id);
  }
  return id;
}

// A link in a reply ("https://maps.app.goo.gl/…", "skck.polri.go.id") opens in a new tab.
const LINK = /https?:\/\/\S+|(?<![@\w.-])(?:[a-z0-9-]+\.)+(?:id|com|org|net)(?![\w-])(?:\/\S*)?/gi;
const LINK_END = /[.,;:!?)"'»]+$/; // punctuation after a link, not part of it

function bubble(kind, text) {
  const item = document.createElement("li");
  item.className = `msg ${kind}`;
  // never innerHTML: replies may quote citizen text
  if (kind === "bot") appendWithLinks(item, text);
  else item.textContent = text;
  log.appendChild(item);
  log.scrollTop = log.scrollHeight;
  return item;
}

function appendWithLinks(item, text) {
  let at = 0;
  for (const match of text.matchAll(LINK)) {
    const shown = match[0].replace(LINK_END, "");
    const link = document.createElement("a");
    link.href = /^https?:\/\//i.test(shown) ? shown : `https://${shown}`;
    link.textContent = shown;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    item.append(text.slice(at, match.index), link);
    at = match.index + shown.length;
  }
  item.append(text.slice(at));
}

function seen(id) {
  lastId = Math.max(lastId, id);
  localStorage.setItem(`polres-last-${session}`, String(lastId));
}

function showReply(reply) {
  if (reply.id <= lastId) return;
  seen(reply.id);
  botBubble(reply);
}

function botBubble(reply) {
  const item = bubble("bot", reply.text);
  if (reply.buttons && reply.buttons.length) {
    const row = document.createElement("div");
    row.className = "buttons";
    for (const button of reply.buttons) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = button.title;
      b.addEventListener("click", () => send({ text: button.payload }, button.title));
      row.appendChild(b);
    }
    item.appendChild(row);
  }
}

async function send(body, shown) {
  bubble("me", shown);
  sendButton.disabled = true;
  body.id = randomHex(); // lets the server drop a retried duplicate
  try {
    const response = await fetch(base, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await response.json();
    if (!response.ok) {
      bubble("note", data.error || "Pesan tidak terkirim.");
    } else if (data.pending) {
      bubble("note", "Pesan diterima, balasan akan segera muncul.");
    }
    (data.replies || []).forEach(showReply);
  } catch (error) {
    bubble("note", "Koneksi terputus. Coba lagi sebentar.");
  } finally {
    sendButton.disabled = false;
    input.focus();
  }
}

async function poll() {
  try {
    const response = await fetch(`${base}?after=${lastId}`);
    if (response.ok) (await response.json()).messages.forEach(showReply);
  } catch (error) {
    // offline for a moment: try again at the next tick
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  send({ text }, text);
});

document.getElementById("share-location").addEventListener("click", () => {
  if (!navigator.geolocation) return bubble("note", "Browser tidak mendukung lokasi.");
  navigator.geolocation.getCurrentPosition(
    (p) => send({ location: { latitude: p.coords.latitude, longitude: p.coords.longitude } }, LOCATION_SHARED),
    () => bubble("note", "Lokasi tidak dapat diambil."),
  );
});

// After a reload: the conversation so far, then whatever came meanwhile.
async function showHistory() {
  try {
    const response = await fetch(history);
    if (!response.ok) return;
    // A pressed button was sent as its payload: shown by its title, as when it was pressed.
    const titles = new Map([["/start", STARTED]]);
    for (const line of (await response.json()).messages) {
      if (line.from === "citizen") {
        bubble("me", titles.get(line.text) || line.text || LOCATION_SHARED);
      } else {
        botBubble(line);
        for (const button of line.buttons || []) titles.set(button.payload, button.title);
      }
      seen(line.id);
    }
  } catch (error) {
    // offline for a moment: the poll below tries again
  }
}

if (lastId === 0) send({ text: "/start" }, STARTED);
else showHistory().then(poll);
setInterval(poll, POLL_MS);
