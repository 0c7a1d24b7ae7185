// The chat demo: sign up / sign in through /api/auth (or a guest on servers that allow guests), join a room,
// chat, see who is here and who is typing. Everything goes through the SDK; user text is only ever put into
// the page as text (textContent), never as HTML.
import { Hubbub, HubbubError } from "/sdk/hubbub.js";
import { $, buttons, onSignIn, showError } from "./shared.js";

const TYPING_REPEAT_MS = 3000; // the server ends a typing indicator after 5 s without a new start

let hub = null;
let room = null;
const members = new Map();   // user id → name, of the current room
const typists = new Map();   // user id → name
let typingSentAt = 0;
let arrivedDuringLoad = null; // live messages that arrive while the history is loading

function setStatus(state) {
  const el = $("status");
  el.textContent = state;
  el.className = "status " + state;
}

async function start(options, label) {
  showError(null);
  hub?.close();
  hub = new Hubbub("/ws", options);
  hub.on("state", setStatus);
  hub.on("message:new", (m) => {
    if (m.room !== room) return;
    arrivedDuringLoad?.push(m);
    addMessage(m.from, m.data?.text ?? JSON.stringify(m.data));
  });
  hub.on("presence:join", (e) => { if (e.room === room) { members.set(e.user.id, e.user.name); renderMembers(); } });
  hub.on("presence:leave", (e) => { if (e.room === room) { members.delete(e.user.id); typists.delete(e.user.id); renderMembers(); renderTyping(); } });
  hub.on("typing:start", (e) => { if (e.room === room && e.user.id !== hub.user?.id) { typists.set(e.user.id, e.user.name); renderTyping(); } });
  hub.on("typing:stop", (e) => { if (e.room === room) { typists.delete(e.user.id); renderTyping(); } });
  hub.on("recovery", (r) => { if (r.room === room && !r.recovered) reloadHistory(); });
  hub.on("room:closed", (e) => { if (e.room === room) { notice(`the room was closed: ${e.reason}`); leftRoom(); } });
  hub.on("close", (c) => { if (c.code !== 1000) showError(new HubbubError("closed", `disconnected (${c.code}${c.reason ? ": " + c.reason : ""})`)); });
  const welcome = await hub.connect();
  $("me").textContent = `${welcome.user.name}${label ? " · " + label : ""}`;
  $("signin-panel").hidden = true;
  $("chat-panel").hidden = false;
  listRooms();
}

async function listRooms() {
  try {
    const { rooms } = await hub.request("room:list", { limit: 20 });
    buttons($("rooms"), rooms, (r) => `${r.id} (${r.members})`, (r) => { $("room").value = r.id; enter(r.id); },
      "none yet: join one to create it");
  } catch (e) {
    showError(e);
  }
}

/** Joins `id`, creating it when it does not exist yet. */
async function enter(id) {
  showError(null);
  try {
    if (room) await hub.leave(room).catch(() => {});
    leftRoom();
    let res;
    try {
      res = await hub.join(id);
    } catch (e) {
      if (e.code !== "not_found") throw e;
      try {
        res = await hub.create(id, { name: id, historySize: 100 });
      } catch (c) {
        if (c.code !== "conflict") throw c;
        res = await hub.join(id); // created by someone else meanwhile
      }
    }
    room = id;
    $("room-title").textContent = "# " + id;
    for (const m of res.members ?? []) members.set(m.id, m.name);
    renderMembers();
    $("text").disabled = $("send").disabled = false;
    await reloadHistory();
    $("text").focus();
  } catch (e) {
    showError(e);
  }
}

function leftRoom() {
  room = null;
  members.clear();
  typists.clear();
  $("messages").replaceChildren();
  $("room-title").textContent = "Not in a room";
  $("text").disabled = $("send").disabled = true;
  renderMembers();
  renderTyping();
}

/** The last 50 messages, then those that arrived live meanwhile and are newer than the history's last. */
async function reloadHistory() {
  if (!room) return;
  arrivedDuringLoad = [];
  try {
    const { messages } = await hub.history(room, { limit: 50 });
    const last = messages.at(-1)?.offset ?? 0;
    $("messages").replaceChildren();
    const newer = arrivedDuringLoad.filter((m) => m.offset === undefined || m.offset > last);
    for (const m of [...messages, ...newer]) addMessage(m.from, m.data?.text ?? JSON.stringify(m.data));
  } finally {
    arrivedDuringLoad = null;
  }
}

function addMessage(from, text) {
  const li = document.createElement("li");
  if (from.id === hub.user?.id) li.className = "mine";
  const who = document.createElement("span");
  who.className = "from";
  who.textContent = from.name;
  li.append(who, document.createTextNode(text));
  const list = $("messages");
  list.append(li);
  list.scrollTop = list.scrollHeight;
}

function notice(text) {
  const li = document.createElement("li");
  li.className = "notice";
  li.textContent = text;
  $("messages").append(li);
}

function renderMembers() {
  $("members").replaceChildren(...[...members.values()].sort().map((name) => {
    const li = document.createElement("li");
    li.textContent = name;
    return li;
  }));
}

function renderTyping() {
  const names = [...typists.values()];
  $("typing").textContent = names.length === 0 ? "" : names.length === 1 ? `${names[0]} is typing…` : `${names.join(", ")} are typing…`;
}

onSignIn((s) => start({ token: s.token }));
$("guest-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    await start({ guest: { name: $("guest-name").value.trim() || "guest" } }, "guest");
  } catch (e) {
    showError(e);
  }
});
$("room-form").addEventListener("submit", (ev) => { ev.preventDefault(); enter($("room").value.trim()); });
$("signout").addEventListener("click", () => {
  hub?.close();
  hub = null;
  leftRoom();
  setStatus("signed out");
  $("me").textContent = "";
  $("chat-panel").hidden = true;
  $("signin-panel").hidden = false;
});
$("send-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const text = $("text").value;
  if (!text.trim() || !room) return;
  $("text").value = "";
  typingSentAt = 0;
  try {
    await hub.typing(room, false);
    await hub.publish(room, { text });
  } catch (e) {
    showError(e);
  }
});
$("text").addEventListener("input", () => {
  if (!room || Date.now() - typingSentAt < TYPING_REPEAT_MS) return;
  typingSentAt = Date.now();
  hub.typing(room, true).catch(() => {});
});
