// Test page for SdkBrowserTest: connects with the SDK as the query string says and records what happens in
// window.t, which the test reads and drives through WebDriver (window.t.hub is the client).
import { Hubbub } from "/sdk/hubbub.js";

const q = new URLSearchParams(location.search);
const t = (window.t = { log: [], offsets: [], errors: [], states: [], recoveries: [], closes: [], welcomes: 0, joined: false, failure: null });
// the sockets the SDK opens, so that the test can replay a frame as if the server had sent it twice
t.sockets = [];
t.frames = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    t.sockets.push(this);
    this.addEventListener("message", (e) => t.frames.push(e.data));
  }

  // while t.swallow(frame) answers true, such frames never reach the SDK (an answer lost on the way)
  set onmessage(fn) {
    super.onmessage = fn && ((e) => { if (!(t.swallow && t.swallow(JSON.parse(e.data)))) fn(e); });
  }

  get onmessage() {
    return super.onmessage;
  }
};
t.replay = (predicate) => {
  const frame = t.frames.find((f) => predicate(JSON.parse(f)));
  t.sockets.at(-1).onmessage({ data: frame });
};
const options = { reconnect: { baseMs: 100, maxMs: 400 } };
if (q.get("token")) options.token = q.get("token");
else options.guest = { name: q.get("guest") || "guest" };
if (q.get("auth")) options.auth = q.get("auth");
const hub = (t.hub = new Hubbub("/ws", options));
hub.on("message:new", (m) => { t.log.push(m.data.text); t.offsets.push(m.offset); });
t.topicLog = [];
hub.on("topic:message", (m) => t.topicLog.push(m.data.n));
hub.on("welcome", () => t.welcomes++);
hub.on("state", (s) => t.states.push(s));
hub.on("recovery", (r) => t.recoveries.push(r));
hub.on("close", (c) => t.closes.push(c.code));
hub.on("error", (e) => t.errors.push(e.code));

(async () => {
  try {
    await hub.connect();
    if (q.get("room")) await hub.join(q.get("room"));
    t.joined = true;
  } catch (e) {
    t.failure = e.code + ": " + e.message;
  }
})();
