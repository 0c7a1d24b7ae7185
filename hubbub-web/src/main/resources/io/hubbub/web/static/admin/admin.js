// The admin dashboard: signs in with an account (POST /api/auth/signin) and shows this node, the cluster,
// rooms and connections from the admin HTTP API, refreshed every few seconds. The server decides who is an
// admin: a non-admin's token is refused by the API itself (403 forbidden), which the page shows as it is.
// The token lives in this tab's sessionStorage only; values from the server are put in as text, never HTML.
import { HubbubError, api, signIn } from "/sdk/hubbub.js";

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "hubbub.admin.token";
const REFRESH_MS = 2000;
const ROWS = 200; // rows shown per table; the counts above them are exact

let timer = null;

function showError(e) {
  const el = $("error");
  if (!e) { el.hidden = true; el.textContent = ""; el.dataset.code = ""; return; }
  el.textContent = e instanceof HubbubError ? `${e.message} (${e.code})` : String(e.message ?? e);
  el.dataset.code = e.code ?? "";
  el.hidden = false;
}

const call = (method, path) => api("", method, path, sessionStorage.getItem(TOKEN_KEY));

function signOut(error) {
  clearTimeout(timer);
  sessionStorage.removeItem(TOKEN_KEY);
  $("dashboard").hidden = true;
  $("signout").hidden = true;
  $("signin-panel").hidden = false;
  $("who").textContent = "";
  $("updated").textContent = "";
  showError(error ?? null);
}

async function refresh() {
  clearTimeout(timer);
  try {
    const [stats, cluster, rooms, connections] = await Promise.all([
      call("GET", "/stats"), call("GET", "/api/cluster"), call("GET", "/api/admin/rooms?limit=" + ROWS), call("GET", "/api/admin/connections"),
    ]);
    $("signin-panel").hidden = true;
    $("dashboard").hidden = false;
    $("signout").hidden = false;
    showError(null);
    renderStats(stats);
    renderCluster(cluster);
    renderRooms(rooms);
    renderConnections(connections);
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    if (e.code === "unauthorized" || e.code === "forbidden") { signOut(e); return; }
    showError(e); // the server is away or busy: keep the last figures and try again
  }
  timer = setTimeout(refresh, REFRESH_MS);
}

function tile(label, value, bad = false) {
  const d = document.createElement("div");
  d.className = "tile" + (bad ? " bad" : "");
  const v = document.createElement("div");
  v.className = "value";
  v.textContent = value;
  const l = document.createElement("div");
  l.className = "label";
  l.textContent = label;
  d.append(v, l);
  return d;
}

function renderStats(s) {
  $("node-id").textContent = s.node;
  const mem = s.memory ?? {};
  $("stats").replaceChildren(
    tile("connections", s.connections), tile("users", s.users), tile("rooms", s.rooms), tile("members", s.members),
    tile("messages in / s", round(s.messagesInPerSecond)), tile("messages out / s", round(s.messagesOutPerSecond)),
    tile("uptime", duration(s.uptimeSeconds)),
    tile("heap", `${mib(mem.heapUsedBytes)} / ${mib(mem.heapMaxBytes)} MiB`, !!mem.pressure));
}

function renderCluster(c) {
  rows("cluster", c.nodes, (n) => [n.id + (n.self ? " (this node)" : ""), n.wsUrl, n.connections, time(n.startedAt), time(n.lastSeen)]);
}

function renderRooms(page) {
  $("rooms-count").textContent = `(${page.rooms.length}${page.next ? "+" : ""})`;
  rows("rooms", page.rooms, (r) => [r.id, r.name, r.visibility, r.members, r.host?.name ?? "", r.state,
    button("Close", "danger", () => act("DELETE", `/api/admin/rooms/${encodeURIComponent(r.id)}`, `Close room ${r.id}?`))]);
}

function renderConnections(c) {
  const by = Object.entries(c.byProtocol ?? {}).map(([p, n]) => `${p} ${n}`).join(", ");
  $("connections-count").textContent = `(${c.connections} on this node, ${c.users} users${by ? "; " + by : ""})`;
  rows("connections", c.sessions.slice(0, ROWS), (s) => [s.id, s.user ?? "(not signed in)", s.protocol, s.address, time(s.connectedAt), s.rooms,
    s.user ? button("Disconnect", "danger", () => act("POST", `/api/admin/users/${encodeURIComponent(s.user)}/disconnect`, `Disconnect every connection of ${s.user}?`)) : ""]);
}

/** Replaces a table's rows: one per item, cells from `cells(item)` (text, numbers or elements). */
function rows(table, items, cells) {
  const body = $(table).tBodies[0];
  body.replaceChildren(...items.map((item) => {
    const tr = document.createElement("tr");
    for (const c of cells(item)) {
      const td = document.createElement("td");
      if (c instanceof Node) td.append(c);
      else { td.textContent = String(c); if (typeof c === "number") td.className = "num"; }
      tr.append(td);
    }
    return tr;
  }));
}

function button(label, cls, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = cls;
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

async function act(method, path, question) {
  if (!confirm(question)) return;
  try {
    await call(method, path);
    refresh();
  } catch (e) {
    showError(e);
  }
}

const round = (x) => (x ?? 0).toFixed(1);
const mib = (b) => Math.round((b ?? 0) / 1048576);
const time = (ms) => (ms ? new Date(ms).toLocaleTimeString() : "");
function duration(sec) {
  const s = Math.max(0, Math.floor(sec ?? 0));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

$("signin-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  showError(null);
  try {
    const s = await signIn($("username").value.trim(), $("password").value);
    sessionStorage.setItem(TOKEN_KEY, s.token);
    $("password").value = "";
    $("who").textContent = `${s.user.displayName} (${s.user.role})`;
    await refresh();
  } catch (e) {
    showError(e);
  }
});
$("token-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  showError(null);
  sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
  $("token").value = "";
  $("who").textContent = "token";
  await refresh();
});
$("signout").addEventListener("click", () => signOut());
if (sessionStorage.getItem(TOKEN_KEY)) refresh();
