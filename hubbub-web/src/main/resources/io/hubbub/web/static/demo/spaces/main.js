// The 2D spaces demo: sign in, pick or create a space, walk with the arrow keys (every move is checked by the
// server: a refused one snaps back to the position it answers), see the others move with their names, the
// proximity group and a chat. Native protocol through the SDK: space:join/move/chat/leave and their pushes
// (docs/PROTOCOL.md, "Spaces"). User text reaches the page only as text, never as HTML.
import { Hubbub, HubbubError } from "/sdk/hubbub.js";
import { $, buttons, onSignIn, showError } from "../shared.js";
import { World } from "./world.js";
import { draw } from "./render.js";
import { createSpace, definition, mySpaces, sampleMap } from "./picker.js";

const KEYS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
const MAX_MESSAGES = 200;

let hub = null;
let token = null;
let world = null;
let moving = false; // one move in flight at a time: its answer is the position to show

function show(panel) {
  for (const p of ["signin-panel", "picker-panel", "space-panel"]) $(p).hidden = p !== panel;
}

function redraw() {
  if (!world) return;
  draw($("map"), world, Math.max(320, $("map").parentElement.clientWidth - 240));
  const people = [...world.positions.entries()].sort(([a], [b]) => world.name(a).localeCompare(world.name(b)));
  $("people").replaceChildren(...people.map(([id, p]) => {
    const li = document.createElement("li");
    li.textContent = `${world.name(id)} (${p.x}, ${p.y})`;
    li.dataset.user = id;
    li.dataset.x = p.x;
    li.dataset.y = p.y;
    if (id === world.selfId) li.className = "me";
    else if (world.nearby.has(id)) li.className = "near";
    return li;
  }));
  $("nearby").textContent = world.nearby.size ? [...world.nearby].map((id) => world.name(id)).sort().join(", ") : "nobody";
}

function addLine(from, text, cls) {
  const li = document.createElement("li");
  if (cls) li.className = cls;
  if (from) {
    const who = document.createElement("span");
    who.className = "from";
    who.textContent = from;
    li.append(who);
  }
  li.append(document.createTextNode(text));
  const list = $("messages");
  list.append(li);
  while (list.children.length > MAX_MESSAGES) list.firstChild.remove();
  list.scrollTop = list.scrollHeight;
}

const mine = (e) => world && e.spaceId === world.spaceId;

function connect() {
  hub = new Hubbub("/ws", { token: () => token });
  hub.on("state", (s) => { $("status").textContent = s; $("status").className = "status " + s; });
  hub.on("welcome", () => { if (world) rejoin(); }); // after a reconnect: back at the last accepted position
  hub.on("space:user-joined", (e) => { if (mine(e)) { world.place(e.userId, e.x, e.y); learnNames(); redraw(); } });
  hub.on("space:user-left", (e) => { if (mine(e)) { world.remove(e.userId); redraw(); } });
  hub.on("space:moves", (e) => { if (mine(e)) { world.moves(e); redraw(); } });
  hub.on("proximity:enter", (e) => { if (mine(e)) { world.setGroup(e); redraw(); } });
  hub.on("proximity:update", (e) => { if (mine(e)) { world.setGroup(e); redraw(); } });
  hub.on("proximity:leave", (e) => { if (mine(e) && e.groupId === world.groupId) { world.setGroup(null); redraw(); } });
  hub.on("space:message", (e) => { if (mine(e)) { world.names.set(e.userId, e.name); addLine(e.name, e.message); } });
  hub.on("space:elements", (e) => { if (mine(e)) loadDefinition().catch(showError); });
  hub.on("space:closed", (e) => { if (mine(e)) { left(); showError(new HubbubError("not_found", "the space was deleted")); } });
  hub.on("presence:join", (e) => { if (world && e.room === "sp:" + world.spaceId) { world.names.set(e.user.id, e.user.name); redraw(); } });
  return hub.connect();
}

async function loadDefinition() {
  world.setDefinition(await definition(token, world.spaceId));
  redraw();
}

/** Names of the space's members from the presence of its room (sp:<id>); ids are shown until then. */
async function learnNames() {
  try {
    for (const m of await hub.members("sp:" + world.spaceId)) world.names.set(m.id, m.name);
    redraw();
  } catch { /* names are a nicety */ }
}

async function enter(spaceId) {
  showError(null);
  try {
    if (world) await leave();
    world = new World(spaceId, hub.user.id);
    world.names.set(hub.user.id, hub.user.name);
    await loadDefinition();
    world.joined(await hub.request("space:join", { spaceId }));
    $("space-title").textContent = "Space " + spaceId;
    const link = location.origin + location.pathname + "#space=" + encodeURIComponent(spaceId);
    $("share").href = link;
    $("share").textContent = "link to share";
    $("messages").replaceChildren();
    $("move-status").textContent = "";
    show("space-panel");
    redraw();
    learnNames();
    const { messages } = await hub.request("space:history", { spaceId, limit: 50 });
    for (const m of messages) addLine(m.name, m.message);
    $("map").focus();
  } catch (e) {
    world = null;
    show("picker-panel");
    showError(e);
  }
}

async function rejoin() {
  try {
    world.joined(await hub.request("space:join", { spaceId: world.spaceId }));
    redraw();
  } catch (e) {
    left();
    showError(e);
  }
}

async function leave() {
  const id = world?.spaceId;
  left();
  if (id) await hub.request("space:leave", { spaceId: id }).catch(() => {});
}

function left() {
  world = null;
  moving = false;
  show("picker-panel");
  listSpaces();
}

async function move(dx, dy) {
  if (!world || moving) return;
  const from = world.self;
  const to = { x: from.x + dx, y: from.y + dy };
  moving = true;
  world.place(world.selfId, to.x, to.y); // shown at once; the answer confirms it or snaps back
  redraw();
  try {
    const r = await hub.request("space:move", { spaceId: world.spaceId, x: to.x, y: to.y });
    if (!world) return;
    world.place(world.selfId, r.x, r.y);
    $("move-status").textContent = r.accepted ? "" : `move refused: ${r.reason ?? "refused"}`;
    $("move-status").className = r.accepted ? "hint" : "hint blocked";
  } catch (e) {
    if (world) world.place(world.selfId, from.x, from.y);
    showError(e);
  } finally {
    moving = false;
    redraw();
  }
}

async function listSpaces() {
  try {
    buttons($("spaces"), await mySpaces(token), (s) => `${s.name} (${s.dimensions})`, (s) => enter(s.id),
      "none yet: create one below, or join one by its id");
  } catch (e) {
    showError(e);
  }
}

onSignIn(async (s) => {
  token = s.token;
  hub?.close();
  const welcome = await connect();
  $("me").textContent = welcome.user.name;
  $("sample-map").hidden = s.user.role !== "admin";
  show("picker-panel");
  await listSpaces();
  const wanted = new URLSearchParams(location.hash.slice(1)).get("space");
  if (wanted) enter(wanted);
});
$("join-form").addEventListener("submit", (ev) => { ev.preventDefault(); enter($("space-id").value.trim()); });
$("create-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  showError(null);
  try {
    enter(await createSpace(token, $("space-name").value.trim(), $("map-id").value.trim(), $("dimensions").value.trim()));
  } catch (e) {
    showError(e);
  }
});
$("sample-map").addEventListener("click", async () => {
  showError(null);
  try {
    $("map-id").value = await sampleMap(token);
  } catch (e) {
    showError(e);
  }
});
$("leave").addEventListener("click", () => leave());
$("send-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const message = $("text").value;
  if (!message.trim() || !world) return;
  $("text").value = "";
  try {
    await hub.request("space:chat", { spaceId: world.spaceId, message });
  } catch (e) {
    showError(e);
  }
});
document.addEventListener("keydown", (ev) => {
  const d = KEYS[ev.key];
  if (!d || !world || ev.target instanceof HTMLInputElement) return;
  ev.preventDefault();
  move(d[0], d[1]);
});
window.addEventListener("resize", redraw);
