// Hubbub JavaScript SDK — one dependency-free ES module for browsers (and any runtime with a WebSocket).
// It speaks Hubbub's native JSON protocol (docs/PROTOCOL.md) and mirrors the Java client's lifecycle:
// requests with ids and timeouts, typed errors, automatic reconnect with exponential backoff and full
// jitter, and session:resume with each room's last position so that a reconnect loses and duplicates
// nothing. Guide: docs/SDK.md; types: hubbub.d.ts beside this file.
//
//   import { Hubbub } from "/sdk/hubbub.js";
//   const hub = new Hubbub("/ws", { token });
//   hub.on("message:new", (m) => console.log(m.from.name, m.data));
//   await hub.connect();
//   await hub.join("lobby");
//   await hub.publish("lobby", { text: "hello" });

/** An error answer of the server (its stable `code`), or one of the SDK's own codes (see LOCAL_CODES). */
export class HubbubError extends Error {
  constructor(code, message, details) {
    super(message || code);
    this.name = "HubbubError";
    this.code = code;
    this.details = details ?? null;
  }
}

/** Codes the SDK raises itself; every other code comes from the server (docs/PROTOCOL.md, "Error codes"). */
export const LOCAL_CODES = Object.freeze({
  TIMEOUT: "timeout",           // no answer within the request's timeout
  DISCONNECTED: "disconnected", // the connection dropped before the answer (requests that are unsafe to repeat)
  QUEUE_FULL: "queue_full",     // the offline queue is at its limit
  CLOSED: "closed",             // the client was closed (by close() or a close code that forbids reconnecting)
});

/** Close codes after which reconnecting would only fail again or undo an administrator (PROTOCOL.md, "Close codes"). */
const FINAL_CLOSE_CODES = new Set([1000, 1002, 1003, 1007, 1009, 4001, 4003, 4010, 4011]);
/** Close codes that ask for a slower reconnect: the server is flooded or overloaded. */
const SLOW_CLOSE_CODES = new Set([4029, 4503]);

const DEFAULTS = Object.freeze({
  auth: "frame",        // "frame": token in an `auth` frame (kept out of URLs and logs); "query": ?token= at the handshake
  requestTimeout: 10000,
  connectTimeout: 10000,
  reconnect: { enabled: true, baseMs: 250, maxMs: 10000, maxAttempts: 0 },
  queueLimit: 100,      // requests kept while offline; more are refused with queue_full
});

/** A minimal event emitter: on/once/off/emit, with "*" receiving (type, payload) of every server push. */
class Emitter {
  #handlers = new Map();

  /** Calls `fn` for each `type` event; answers a function that removes it. */
  on(type, fn) {
    if (!this.#handlers.has(type)) this.#handlers.set(type, new Set());
    this.#handlers.get(type).add(fn);
    return () => this.off(type, fn);
  }

  once(type, fn) {
    const off = this.on(type, (...args) => { off(); fn(...args); });
    return off;
  }

  off(type, fn) {
    this.#handlers.get(type)?.delete(fn);
  }

  /** A listener that throws never stops the others nor the client. */
  emit(type, ...args) {
    for (const fn of [...(this.#handlers.get(type) ?? [])]) {
      try { fn(...args); } catch (e) { setTimeout(() => { throw e; }); }
    }
  }
}

/** The Hubbub client. States: idle → connecting → connected ⇄ reconnecting → closed. */
export class Hubbub extends Emitter {
  /**
   * @param url the WebSocket URL ("wss://host/ws"), or a path ("/ws") on the page's own host
   * @param options see DEFAULTS and docs/SDK.md: token (a string, or a function answering one or a promise
   *   of one, called at every connect), guest ({name}), auth, requestTimeout, connectTimeout, reconnect, queueLimit
   */
  constructor(url, options = {}) {
    super();
    this.url = Hubbub.#absolute(url);
    this.options = { ...DEFAULTS, ...options, reconnect: { ...DEFAULTS.reconnect, ...(options.reconnect ?? {}) } };
    if (!options.token && !options.guest) throw new HubbubError("bad_request", "give a token or guest: {name}");
    this.state = "idle";
    this.welcome = null;     // the last session:welcome payload: sessionId, user, heartbeat, limits
    this.rooms = new Map();  // joined room → {epoch, offset} of the last message delivered to the application (or null)
    this.topics = new Map(); // subscribed topic → the same
    this.#joinTokens = new Map();
  }

  #ws = null;
  #nextId = 1;
  #seq = 0;               // request order, kept when repeatable requests are queued again after a drop
  #pending = new Map();   // request id → {type, payload, resolve, reject, timer, retry}
  #queue = [];            // requests waiting for a connection, in order
  #attempt = 0;
  #reconnectTimer = null;
  #shutdownDelayMs = -1;  // server:shutdown's suggestion for the next reconnect, -1 when none
  #resumeToken = null;
  #connectWaiters = [];
  #joinTokens;
  #heartbeat = null;
  #lastInbound = 0;

  // ------------------------------------------------------------------ lifecycle

  /** Connects (once); resolves with the welcome, rejects if the client is closed before it. */
  connect() {
    if (this.state === "connected") return Promise.resolve(this.welcome);
    if (this.state === "closed") return Promise.reject(new HubbubError(LOCAL_CODES.CLOSED, "the client is closed"));
    const p = new Promise((resolve, reject) => this.#connectWaiters.push({ resolve, reject }));
    if (this.state === "idle") {
      this.#setState("connecting");
      this.#open();
    }
    return p;
  }

  /** Closes for good (code 1000): pending and queued requests fail with `closed`. */
  close() {
    if (this.state === "closed") return;
    const ws = this.#ws;
    this.#finish(1000, "closed by the client");
    if (ws && ws.readyState <= 1) ws.close(1000, "bye");
  }

  async #open() {
    let token = null;
    try {
      if (this.options.token) token = await (typeof this.options.token === "function" ? this.options.token() : this.options.token);
    } catch (e) {
      this.#dropped(1006, "token unavailable: " + e);
      return;
    }
    if (this.state === "closed") return;
    const url = new URL(this.url);
    url.searchParams.set("v", "1");
    if (token && this.options.auth === "query") url.searchParams.set("token", token);
    let ws;
    try {
      ws = new WebSocket(url.toString());
    } catch (e) {
      // a malformed URL or one the page's Content-Security-Policy forbids: retrying cannot help
      this.#finish(1002, "cannot open " + url.origin + ": " + e.message);
      return;
    }
    this.#ws = ws;
    let welcomed = false;
    let authId = -1;
    const connectTimer = setTimeout(() => { if (!welcomed) this.#abandon(ws, 1006, "connect timeout"); }, this.options.connectTimeout);
    ws.onopen = () => {
      this.#lastInbound = Date.now();
      if (token && this.options.auth === "query") return; // the server welcomes by itself
      const payload = token ? { token } : { guest: true, name: this.options.guest.name };
      authId = this.#id();
      this.#write({ type: "auth", id: authId, payload });
    };
    ws.onmessage = (ev) => {
      if (ws !== this.#ws) return;
      this.#lastInbound = Date.now();
      let frame;
      try { frame = JSON.parse(ev.data); } catch { return; }
      if (frame.type === "session:welcome" || (frame.type === "reply" && frame.id === authId)) {
        if (!welcomed) {
          welcomed = true;
          clearTimeout(connectTimer);
          this.#welcomed(frame.payload);
        }
        return;
      }
      if (frame.type === "error" && frame.id === authId) {
        clearTimeout(connectTimer);
        const code = frame.payload?.code;
        if (code === "limit_exceeded" || code === "unavailable" || code === "rate_limited") {
          this.#abandon(ws, 4503, frame.payload?.message); // the server is full for now: come back slowly
          return;
        }
        // an invalid token, no guests, a bad name: trying again would fail the same way
        this.#finish(4003, frame.payload?.message ?? "authentication refused", frame.payload?.details, frame.payload?.code);
        ws.close(1000, "auth refused");
        return;
      }
      this.#dispatch(frame);
    };
    ws.onclose = (ev) => {
      clearTimeout(connectTimer);
      if (ws === this.#ws) this.#dropped(ev.code, ev.reason);
    };
    ws.onerror = () => {}; // a close event follows
  }

  /** Gives up on a connection at once (browsers may take long to report a half-open one closed). */
  #abandon(ws, code, reason) {
    if (ws !== this.#ws) return;
    ws.onclose = ws.onmessage = null;
    try { ws.close(4000, reason); } catch { /* already closing */ }
    this.#dropped(code, reason);
  }

  #welcomed(welcome) {
    const previousToken = this.#resumeToken;
    const initial = this.state === "connecting";
    this.welcome = welcome;
    this.#resumeToken = welcome.resumeToken;
    this.#attempt = 0;
    this.#shutdownDelayMs = -1;
    this.#watchHeartbeat(welcome.heartbeat);
    this.emit("welcome", welcome);
    const ws = this.#ws;
    const ready = initial ? Promise.resolve() : this.#recover(previousToken);
    ready.then(() => {
      if (this.state === "closed" || this.#ws !== ws) return; // dropped again meanwhile: the next welcome recovers
      this.#setState("connected");
      for (const w of this.#connectWaiters.splice(0)) w.resolve(welcome);
      this.#flush();
    });
  }

  /** The connection ended with `code`: fail or keep its requests, then reconnect unless the code forbids it. */
  #dropped(code, reason) {
    this.#ws = null;
    this.#stopHeartbeat();
    for (const [id, r] of this.#pending) {
      this.#pending.delete(id);
      if (r.retry) { this.#queue.push(r); continue; } // repeatable: sent again after the reconnect (its timeout still runs)
      clearTimeout(r.timer);
      r.reject(new HubbubError(LOCAL_CODES.DISCONNECTED, "the connection dropped before the answer (" + code + ")"));
    }
    this.#queue.sort((a, b) => a.seq - b.seq);
    this.emit("disconnect", { code, reason });
    const policy = this.options.reconnect;
    if (this.state === "closed") return;
    if (!policy.enabled || FINAL_CLOSE_CODES.has(code) || (policy.maxAttempts > 0 && this.#attempt >= policy.maxAttempts)) {
      this.#finish(code, reason);
      return;
    }
    const delay = this.#shutdownDelayMs >= 0 ? this.#shutdownDelayMs : this.#backoff(SLOW_CLOSE_CODES.has(code));
    this.#shutdownDelayMs = -1;
    this.#attempt++;
    if (this.state !== "connecting") this.#setState("reconnecting");
    this.emit("reconnecting", { attempt: this.#attempt, delayMs: delay, code });
    this.#reconnectTimer = setTimeout(() => { this.#reconnectTimer = null; this.#open(); }, delay);
  }

  /** Full jitter: uniform in [0, min(max, base·2^attempt)]; slow codes: the upper half of a cap two doublings higher. */
  #backoff(slow) {
    const { baseMs, maxMs } = this.options.reconnect;
    const cap = Math.min(maxMs, baseMs * 2 ** Math.min(this.#attempt + (slow ? 2 : 0), 30));
    return slow ? cap / 2 + Math.random() * (cap / 2) : Math.random() * cap;
  }

  /** Ends the client: `errorCode` (else one derived from the close code) rejects everything still waiting. */
  #finish(code, reason, details, errorCode) {
    clearTimeout(this.#reconnectTimer);
    this.#stopHeartbeat();
    this.#ws = null;
    const err = new HubbubError(errorCode ?? (code === 4003 ? "unauthorized" : LOCAL_CODES.CLOSED), reason || "closed (" + code + ")", details);
    for (const r of [...this.#pending.values(), ...this.#queue.splice(0)]) { clearTimeout(r.timer); r.reject(err); }
    this.#pending.clear();
    for (const w of this.#connectWaiters.splice(0)) w.reject(err);
    this.#setState("closed");
    this.emit("close", { code, reason });
  }

  #setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emit("state", state);
  }

  /**
   * Browsers answer the server's pings by themselves; this notices a connection that went silent (a dead
   * network): after an interval without inbound traffic it sends a `ping` request, and after the server's
   * timeout without any it gives the connection up and reconnects.
   */
  #watchHeartbeat(hb) {
    this.#stopHeartbeat();
    const interval = hb?.intervalMs ?? 25000;
    const timeout = hb?.timeoutMs ?? 60000;
    const ws = this.#ws;
    this.#heartbeat = setInterval(() => {
      const silent = Date.now() - this.#lastInbound;
      if (silent >= timeout) this.#abandon(ws, 4009, "heartbeat timeout");
      else if (silent >= interval) this.#write({ type: "ping", id: this.#id() });
    }, Math.max(1000, Math.min(interval, timeout) / 2));
  }

  #stopHeartbeat() {
    clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  // ------------------------------------------------------------------ recovery

  /**
   * After a reconnect: session:resume with every room's and topic's last position (the server pushes what
   * was missed before its reply), then room:join / topic:subscribe with `since` for those it did not
   * restore. One the server refuses is forgotten (except `conflict`: already in it). Each outcome is
   * emitted as "recovery" ({room} or {topic}, recovered, error?).
   */
  async #recover(previousToken) {
    if (this.rooms.size === 0 && this.topics.size === 0) return;
    let reply = null;
    if (previousToken) {
      const known = (map) => Object.fromEntries([...map].filter(([, pos]) => pos));
      const payload = { token: previousToken, rooms: known(this.rooms), topics: known(this.topics) };
      try {
        reply = await this.#request("session:resume", payload, this.options.requestTimeout, true);
      } catch (e) {
        if (!(e instanceof HubbubError) || e.code === LOCAL_CODES.DISCONNECTED) return; // the next reconnect retries
      }
    }
    const topicsBack = {};
    if (reply?.resumed) for (const t of reply.topics ?? []) topicsBack[t] = reply.topicRecovery?.[t] ?? {};
    const missing = [
      ...this.#restored("room", reply?.resumed ? reply.rooms ?? {} : {}),
      ...this.#restored("topic", topicsBack),
    ];
    await Promise.all(missing.map(([kind, name]) => this.#rejoin(kind, name)));
  }

  /** Reports the rooms (topics) the resume restored, from `back` (name → {recovered, position} or {error}); answers the others. */
  #restored(kind, back) {
    const map = this.#streams(kind);
    const missing = [];
    for (const name of [...map.keys()]) {
      const r = back[name];
      if (!r) missing.push([kind, name]);
      else if (r.error) {
        this.#forget(map, name);
        this.emit("recovery", { [kind]: name, recovered: false, error: r.error });
      } else {
        this.#advance(map, name, r.position);
        this.emit("recovery", { [kind]: name, recovered: !!r.recovered });
      }
    }
    return missing;
  }

  async #rejoin(kind, name) {
    const map = this.#streams(kind);
    const payload = { [kind]: name };
    if (map.get(name)) payload.since = map.get(name);
    if (kind === "room" && this.#joinTokens.has(name)) payload.token = this.#joinTokens.get(name);
    try {
      const res = await this.#request(kind === "room" ? "room:join" : "topic:subscribe", payload, this.options.requestTimeout, true);
      if (res.recovered === false) map.set(name, null); // another epoch, or trimmed: go on from the reply's position
      this.#advance(map, name, res.position);
      this.emit("recovery", { [kind]: name, recovered: !!res.recovered });
    } catch (e) {
      if (e.code === LOCAL_CODES.DISCONNECTED || e.code === LOCAL_CODES.TIMEOUT) return;
      if (e.code !== "conflict") this.#forget(map, name);
      this.emit("recovery", { [kind]: name, recovered: false, error: { code: e.code, message: e.message } });
    }
  }

  #streams(kind) {
    return kind === "room" ? this.rooms : this.topics;
  }

  /** Remembers `pos` as the stream's position unless a later one of the same epoch is known. */
  #advance(map, name, pos) {
    if (!map.has(name) || !pos || !pos.epoch) return;
    const cur = map.get(name);
    if (!cur || cur.epoch !== pos.epoch || pos.offset > cur.offset) map.set(name, { epoch: pos.epoch, offset: pos.offset });
  }

  #forget(map, name) {
    map.delete(name);
    if (map === this.rooms) this.#joinTokens.delete(name);
  }

  // ------------------------------------------------------------------ frames

  #dispatch(frame) {
    if ((frame.type === "reply" || frame.type === "error") && frame.id != null) {
      const r = this.#pending.get(frame.id);
      if (!r) return;
      this.#pending.delete(frame.id);
      clearTimeout(r.timer);
      if (frame.type === "reply") r.resolve(frame.payload ?? {});
      else r.reject(new HubbubError(frame.payload?.code ?? "internal", frame.payload?.message, frame.payload?.details));
      return;
    }
    const p = frame.payload ?? {};
    if (frame.type === "error") {
      this.emit("error", new HubbubError(p.code ?? "internal", p.message, p.details));
      return;
    }
    const [map, name] = frame.type === "message:new" ? [this.rooms, p.room] : frame.type === "topic:message" ? [this.topics, p.topic] : [];
    if (map?.has(name) && p.epoch && typeof p.offset === "number") {
      // at-most-once to the application: a replayed or re-delivered message (same epoch, offset not past ours) is dropped
      const cur = map.get(name);
      if (cur && cur.epoch === p.epoch && p.offset <= cur.offset) return;
      this.#advance(map, name, p);
    }
    if (frame.type === "room:closed" && typeof p.room === "string") this.#forget(this.rooms, p.room);
    if (frame.type === "server:shutdown") {
      const ms = Math.max(0, p.reconnectAfterMs ?? 0);
      this.#shutdownDelayMs = ms + Math.random() * Math.max(this.options.reconnect.baseMs, Math.min(ms, this.options.reconnect.maxMs));
      if (p.url) this.url = p.url; // a draining cluster node names another live node
    }
    this.emit(frame.type, p);
    this.emit("*", frame.type, p);
  }

  #id() {
    return this.#nextId++;
  }

  #write(frame) {
    if (this.#ws?.readyState !== 1) return false;
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  /**
   * Sends a request on the current connection (`direct`: recovery, before the client counts as connected)
   * or queues it until connected. `retry`: safe to send again after a drop (it carries a clientId, or is
   * idempotent), so a lost answer re-queues it instead of failing it.
   */
  #request(type, payload, timeout, direct = false, retry = false) {
    if (this.state === "closed") return Promise.reject(new HubbubError(LOCAL_CODES.CLOSED, "the client is closed"));
    return new Promise((resolve, reject) => {
      const r = { type, payload, resolve, reject, retry: retry && !direct, seq: this.#seq++ };
      r.timer = setTimeout(() => {
        this.#pending.delete(r.id);
        const i = this.#queue.indexOf(r);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(new HubbubError(LOCAL_CODES.TIMEOUT, type + ": no answer within " + timeout + " ms"));
      }, timeout);
      if (direct || this.state === "connected") this.#send(r);
      else if (this.#queue.length >= this.options.queueLimit) {
        clearTimeout(r.timer);
        reject(new HubbubError(LOCAL_CODES.QUEUE_FULL, "offline queue full (" + this.options.queueLimit + ")"));
      } else this.#queue.push(r);
    });
  }

  #send(r) {
    r.id = this.#id();
    this.#pending.set(r.id, r);
    if (!this.#write({ type: r.type, id: r.id, payload: r.payload })) {
      this.#pending.delete(r.id);
      this.#queue.push(r); // the connection is going away: its close event re-plans
    }
  }

  #flush() {
    while (this.#queue.length && this.state === "connected" && this.#ws?.readyState === 1) this.#send(this.#queue.shift());
  }

  // ------------------------------------------------------------------ API

  /** Any request of the protocol; resolves with the reply payload, rejects with a HubbubError. */
  request(type, payload = {}, { timeout = this.options.requestTimeout } = {}) {
    return this.#request(type, payload, timeout);
  }

  /** Joins a room (`since`: a position to recover from; `token`: a room token). Resolves with {room, position, members}. */
  async join(room, { since, token } = {}) {
    const res = await this.#enter("room", room, since, token);
    if (token) this.#joinTokens.set(room, token);
    return res;
  }

  /**
   * Subscribes a topic (a server-pushed channel: `topic:message` events), restored after a reconnect like a
   * room. Resolves with {position, recovered?}.
   */
  subscribe(topic, { since } = {}) {
    return this.#enter("topic", topic, since);
  }

  async unsubscribe(topic) {
    const res = await this.#request("topic:unsubscribe", { topic }, this.options.requestTimeout);
    this.#forget(this.topics, topic);
    return res;
  }

  async #enter(kind, name, since, token) {
    const map = this.#streams(kind);
    const payload = { [kind]: name };
    if (since) payload.since = since;
    if (token) payload.token = token;
    const known = map.has(name);
    // tracked from now on, so that messages replayed before the reply (since) advance its position
    if (!known) map.set(name, since ? { epoch: since.epoch, offset: since.offset } : null);
    try {
      const res = await this.#request(kind === "room" ? "room:join" : "topic:subscribe", payload, this.options.requestTimeout);
      if (res.recovered === false) map.set(name, null); // another epoch, or trimmed: start from the reply's position
      this.#advance(map, name, res.position);
      return res;
    } catch (e) {
      if (!known && e.code !== "conflict") this.#forget(map, name);
      throw e;
    }
  }

  /** Creates a room (see PROTOCOL.md room:create for the options) and joins it. */
  async create(room, options = {}) {
    const payload = { ...options };
    if (room) payload.room = room;
    const res = await this.#request("room:create", payload, this.options.requestTimeout);
    const id = res.room?.id ?? room;
    if (!this.rooms.has(id)) this.rooms.set(id, null);
    this.#advance(this.rooms, id, res.position);
    return res;
  }

  async leave(room) {
    const res = await this.#request("room:leave", { room }, this.options.requestTimeout);
    this.#forget(this.rooms, room);
    return res;
  }

  /**
   * Publishes to a room; resolves with {offset, epoch, ts}. Every publish carries a clientId (yours or a
   * generated one), so one whose answer was lost in a drop is sent again after the reconnect and the server
   * answers it with the original position instead of publishing twice.
   */
  publish(room, data, { excludeSelf = false, clientId = Hubbub.#clientId() } = {}) {
    return this.#request("message:send", { room, data, excludeSelf, clientId }, this.options.requestTimeout, false, true);
  }

  /** A room's recorded messages, oldest first: {messages, position}; `before` pages backwards. */
  history(room, { limit = 50, before } = {}) {
    const payload = { room, limit };
    if (before != null) payload.before = before;
    return this.#request("room:history", payload, this.options.requestTimeout);
  }

  members(room) {
    return this.#request("room:members", { room }, this.options.requestTimeout).then((r) => r.members);
  }

  /** typing:start (true) or typing:stop (false); the server stops it after its typing timeout anyway. */
  typing(room, on = true) {
    return this.#request(on ? "typing:start" : "typing:stop", { room }, this.options.requestTimeout);
  }

  /** presence:set: status "active" | "idle" | "away" and/or a small custom object. */
  setPresence({ status, custom } = {}) {
    const payload = {};
    if (status) payload.status = status;
    if (custom !== undefined) payload.custom = custom;
    return this.#request("presence:set", payload, this.options.requestTimeout);
  }

  /** A message to every connection of one user (message:direct); not recorded. */
  direct(user, data) {
    return this.#request("message:direct", { to: user, data }, this.options.requestTimeout);
  }

  /** The user of this connection: {id, name, role}, once welcomed. */
  get user() {
    return this.welcome?.user ?? null;
  }

  static #clientId() {
    const rnd = globalThis.crypto?.randomUUID ? globalThis.crypto.randomUUID() : Math.random().toString(36).slice(2) + Date.now().toString(36);
    return "c-" + rnd;
  }

  static #absolute(url) {
    if (/^wss?:\/\//.test(url)) return url;
    const loc = globalThis.location;
    if (!loc) throw new HubbubError("bad_request", "a relative URL needs a page: give ws://host/ws");
    return (loc.protocol === "https:" ? "wss://" : "ws://") + loc.host + (url.startsWith("/") ? url : "/" + url);
  }
}

/**
 * The account routes of the HTTP API (POST /api/auth/signup and /signin): resolves with {user, token,
 * expiresAt}, rejects with a HubbubError carrying the server's code (e.g. `conflict`, `unauthorized`).
 * `base` is the server's HTTP origin ("" for the page's own).
 */
export async function signIn(username, password, { base = "", signUp = false, displayName } = {}) {
  const body = { username, password };
  if (signUp && displayName) body.displayName = displayName;
  return api(base, "POST", signUp ? "/api/auth/signup" : "/api/auth/signin", null, body);
}

/** One HTTP API call with a bearer token: resolves with the JSON body, rejects with the server's error as a HubbubError. */
export async function api(base, method, path, token, body) {
  const headers = {};
  if (token) headers.Authorization = "Bearer " + token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new HubbubError("unavailable", "the server could not be reached: " + e.message);
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : {}; } catch { /* not JSON */ }
  if (!res.ok) {
    const err = json?.error;
    throw new HubbubError(err?.code ?? "internal", err?.message ?? "HTTP " + res.status, err?.details);
  }
  return json;
}
