// Drives a real Hubbub server's Socket.IO endpoint (main namespace = Hubbub events) with the
// official socket.io-client.
// Usage: node hubbub.js <baseUrl> <scenario> <params-json>
//   params: {"tokens": {"alice": "...", "bob": "..."}, "room": "...", "waitMs": n}
// Prints "OK <details>" and exits 0 when every check passed, otherwise "FAIL <reason>" and exits 1.
"use strict";
const { io } = require("socket.io-client");
const assert = require("node:assert/strict");

const [, , baseUrl, scenario, paramsJson] = process.argv;
const params = JSON.parse(paramsJson || "{}");
const { opened, fail, runScenario } = require("./harness")(20000);

function connect(user, opts) {
  const socket = io(baseUrl, { forceNew: true, reconnection: false, auth: { token: params.tokens[user] }, ...opts });
  opened.push(socket);
  return socket;
}

function once(emitter, event) {
  return new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
}

function connected(socket) {
  return new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
}

function call(socket, event, payload) {
  return socket.timeout(5000).emitWithAck(event, payload);
}

// Collects every event of `type` (payload and offset argument) as it arrives.
function collect(socket, type) {
  const seen = [];
  socket.on(type, (payload, offset) => seen.push({ payload, offset }));
  return seen;
}

async function until(check, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("waited in vain for " + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Two users in one room: join with ack, send with ack, receive the broadcast; errors come back as {error}.
async function chat(opts, expectedTransport, waitUpgrade) {
  const room = params.room;
  const alice = connect("alice", opts);
  const welcome = once(alice, "session:welcome");
  await connected(alice);
  const [w] = await welcome;
  assert.equal(w.user.id, "alice");
  assert.ok(w.sessionId.startsWith("s_"));
  const bob = connect("bob", opts);
  await connected(bob);
  if (waitUpgrade) {
    for (const s of [alice, bob]) {
      if (s.io.engine.transport.name !== "websocket") await once(s.io.engine, "upgrade");
    }
  }
  assert.equal(alice.io.engine.transport.name, expectedTransport);
  const joinedA = await call(alice, "room:create", { room, name: "Chat" });
  assert.equal(joinedA.room.id, room);
  assert.ok(joinedA.position && typeof joinedA.position.offset === "number", JSON.stringify(joinedA));
  await call(bob, "room:join", { room });
  const received = collect(bob, "message:new");
  const sent = await call(alice, "message:send", { room, data: { text: "hello bob" } });
  assert.equal(typeof sent.offset, "number");
  assert.equal(typeof sent.epoch, "string");
  await until(() => received.length === 1, "bob's message:new");
  const { payload, offset } = received[0];
  assert.equal(payload.room, room);
  assert.equal(payload.from.id, "alice");
  assert.deepEqual(payload.data, { text: "hello bob" });
  assert.equal(payload.offset, sent.offset);
  assert.equal(offset, `r|${room}|${sent.epoch}|${sent.offset}`);
  // errors: the same codes as the native protocol, in the acknowledgement
  const notJoined = await call(bob, "message:send", { room: "not-joined-" + room, data: {} });
  assert.equal(notJoined.error.code, "not_found", JSON.stringify(notJoined));
  const unknown = await call(bob, "no:such-event", {});
  assert.equal(unknown.error.code, "unknown_event");
  const notObject = await call(bob, "message:send", "text");
  assert.equal(notObject.error.code, "bad_request");
  // an event without acknowledgement that fails comes back as an "error" event
  const errorEvent = once(bob, "error");
  bob.emit("room:leave", { room: "never-joined" });
  const [err] = await errorEvent;
  assert.equal(err.code, "not_found");
  return `transport=${alice.io.engine.transport.name} offset=${offset}`;
}

const scenarios = {
  websocket: () => chat({ transports: ["websocket"] }, "websocket", false),
  polling: () => chat({ transports: ["polling"] }, "polling", false),
  upgrade: () => chat({ transports: ["polling", "websocket"] }, "websocket", true),

  async auth() {
    const good = connect("alice", { transports: ["websocket"] });
    await connected(good);
    const bad = io(baseUrl, { forceNew: true, reconnection: false, transports: ["websocket"], auth: { token: "not-a-token" } });
    opened.push(bad);
    const error = await connected(bad).then(() => null, (e) => e);
    assert.ok(error, "a bad token must be refused");
    assert.equal(error.message, "unauthorized");
    assert.equal(error.data.code, "unauthorized");
    const none = io(baseUrl, { forceNew: true, reconnection: false, transports: ["polling"] });
    opened.push(none);
    const noneError = await connected(none).then(() => null, (e) => e);
    assert.equal(noneError && noneError.message, "unauthorized");
    const guest = io(baseUrl, { forceNew: true, reconnection: false, transports: ["websocket"], auth: { guest: true, name: "Ann" } });
    opened.push(guest);
    const guestError = await connected(guest).then(() => null, (e) => e);
    assert.equal(guestError && guestError.message, "forbidden"); // guests are off on this server
    return "token accepted; bad token, no token and guest refused";
  },

  async binary() {
    const alice = connect("alice", { transports: ["websocket"] });
    await connected(alice);
    await call(alice, "room:create", { room: params.room, name: "Files" });
    const refused = await call(alice, "message:send", { room: params.room, data: { file: Buffer.from([1, 2, 3]) } });
    assert.equal(refused.error.code, "bad_request", JSON.stringify(refused));
    assert.match(refused.error.message, /binary/);
    const topLevel = await call(alice, "message:send", Buffer.from("raw"));
    assert.equal(topLevel.error.code, "bad_request");
    // nothing was published: the next message gets the first offset after the join
    const ok = await call(alice, "message:send", { room: params.room, data: { file: Buffer.from([1, 2, 3]).toString("base64") } });
    assert.equal(typeof ok.offset, "number");
    return "binary refused with bad_request, base64 accepted";
  },

  // Bob's transport drops while Alice sends; Bob reconnects and gets exactly the missed messages.
  async recovery() {
    const room = params.room;
    const alice = connect("alice", { transports: ["websocket"] });
    const bob = connect("bob", { transports: ["websocket"], reconnection: true, reconnectionDelay: params.waitMs || 100,
      reconnectionDelayMax: params.waitMs || 100, randomizationFactor: 0 });
    await Promise.all([connected(alice), connected(bob)]);
    assert.equal(bob.recovered, false);
    await call(alice, "room:create", { room, name: "Recovery" });
    await call(bob, "room:join", { room });
    const received = collect(bob, "message:new");
    await call(alice, "message:send", { room, data: { n: 1 } });
    await until(() => received.length === 1, "first message");
    const reconnected = once(bob, "connect");
    bob.io.engine.close(); // the transport drops; the client reconnects with pid + offset
    for (let n = 2; n <= 4; n++) await call(alice, "message:send", { room, data: { n } });
    await reconnected;
    if (params.expectRecovered === false) {
      assert.equal(bob.recovered, false);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(received.map((m) => m.payload.data.n), [1], "nothing replayed without recovery");
      // a fresh session: the room must be joined again
      const rejoined = await call(bob, "room:join", { room });
      assert.equal(rejoined.room.id, room);
      return "not recovered after the window; joined again";
    }
    assert.equal(bob.recovered, true);
    await until(() => received.length === 4, "missed messages");
    assert.deepEqual(received.map((m) => m.payload.data.n), [1, 2, 3, 4]);
    // the room is back: live messages keep coming, and a second drop recovers again
    await call(alice, "message:send", { room, data: { n: 5 } });
    await until(() => received.length === 5, "live message after recovery");
    const again = once(bob, "connect");
    bob.io.engine.close();
    await call(alice, "message:send", { room, data: { n: 6 } });
    await again;
    assert.equal(bob.recovered, true);
    await until(() => received.length === 6, "message missed in the second drop");
    assert.deepEqual(received.map((m) => m.payload.data.n), [1, 2, 3, 4, 5, 6]);
    return "recovered twice, 6 messages in order";
  },

  // Several receivers lose their TCP connection at once (no WebSocket close) while Alice keeps
  // publishing; each reconnects with connection state recovery, several times. Every receiver must
  // see every offset of the room exactly once, consecutively, and every reconnect must be a recovery.
  async dropUnderLoad() {
    const room = params.room;
    const users = Object.keys(params.tokens).filter((u) => u !== "alice");
    const rounds = params.rounds || 3;
    const alice = connect("alice", { transports: ["websocket"] });
    await connected(alice);
    const created = await call(alice, "room:create", { room, name: "Drops" });
    const start = created.position.offset;
    const receivers = [];
    for (const user of users) {
      const socket = connect(user, { transports: ["websocket"], reconnection: true, reconnectionDelay: 50,
        reconnectionDelayMax: 50, randomizationFactor: 0 });
      await connected(socket);
      await call(socket, "room:join", { room });
      const r = { user, socket, offsets: [], args: [], reconnects: 0, recovered: 0 };
      socket.on("message:new", (payload, offset) => {
        r.offsets.push(payload.offset);
        r.args.push(offset);
      });
      socket.on("connect", () => {
        r.reconnects++;
        if (socket.recovered) r.recovered++;
      });
      receivers.push(r);
    }
    // Alice publishes without waiting for acks, a burst every few milliseconds, until told to stop.
    let publishing = true;
    let sent = 0;
    const publisher = (async () => {
      while (publishing) {
        for (let i = 0; i < 1; i++) alice.emit("message:send", { room, data: { n: sent++ } });
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    for (let round = 0; round < rounds; round++) {
      await new Promise((r) => setTimeout(r, 150));
      // abrupt: destroy the TCP sockets under the WebSocket, all receivers in the same tick
      const back = receivers.map((r) => once(r.socket, "connect"));
      for (const r of receivers) r.socket.io.engine.transport.ws._socket.destroy();
      await Promise.all(back);
    }
    await new Promise((r) => setTimeout(r, 150));
    publishing = false;
    await publisher;
    const last = await call(alice, "message:send", { room, data: { n: "last" } });
    assert.equal(typeof last.offset, "number", JSON.stringify(last));
    for (const r of receivers) {
      await until(() => r.offsets.length > 0 && r.offsets[r.offsets.length - 1] >= last.offset, r.user + "'s last message", 10000)
        .catch((e) => { throw new Error(`${e.message}: start ${start} last ${last.offset}, got ${r.offsets.length}, ending ${r.offsets.slice(-3)}, `
          + `reconnects ${r.reconnects} recovered ${r.recovered}, connected ${r.socket.connected}`); });
    }
    for (const r of receivers) {
      assert.equal(r.reconnects, rounds, r.user + " reconnects");
      assert.equal(r.recovered, rounds, r.user + " recoveries");
      const expected = Array.from({ length: last.offset - start }, (_, i) => start + 1 + i);
      const dups = r.offsets.filter((o, i) => i > 0 && o <= r.offsets[i - 1]);
      assert.deepEqual(dups, [], r.user + " received offsets out of order or twice");
      assert.deepEqual(r.offsets, expected, r.user + " received a gap");
      r.args.forEach((a, i) => assert.ok(a.endsWith("|" + r.offsets[i]), r.user + " recovery offset argument " + a));
    }
    return `${receivers.length} receivers x ${rounds} drops, ${last.offset - start} messages each, in order, exactly once`;
  },

  // Bob is in a room and a topic (published through the HTTP API); both recover.
  async recoveryTopic() {
    const room = params.room;
    const topic = "news-" + room;
    const publish = async (data) => {
      const res = await fetch(baseUrl + "/api/publish", { method: "POST", headers: { "Content-Type": "application/json", "X-Api-Key": params.apiKey },
        body: JSON.stringify({ topic, event: "headline", data }) });
      assert.equal(res.status, 200, await res.text());
    };
    const alice = connect("alice", { transports: ["websocket"] });
    const bob = connect("bob", { transports: ["websocket"], reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 100, randomizationFactor: 0 });
    await Promise.all([connected(alice), connected(bob)]);
    await call(alice, "room:create", { room, name: "Topic and room" });
    await call(bob, "room:join", { room });
    const sub = await call(bob, "topic:subscribe", { topic });
    assert.ok(sub.position, JSON.stringify(sub));
    const news = collect(bob, "topic:message");
    const chat = collect(bob, "message:new");
    await publish({ n: 1 });
    await until(() => news.length === 1, "first topic message");
    assert.equal(news[0].offset, `t|${topic}|${news[0].payload.epoch}|${news[0].payload.offset}`);
    const reconnected = once(bob, "connect");
    bob.io.engine.close();
    await publish({ n: 2 });
    await call(alice, "message:send", { room, data: { n: 3 } });
    await publish({ n: 4 });
    await reconnected;
    assert.equal(bob.recovered, true);
    await until(() => news.length === 3 && chat.length === 1, "missed topic and room messages");
    assert.deepEqual(news.map((m) => m.payload.data.n), [1, 2, 4]);
    assert.deepEqual(chat.map((m) => m.payload.data.n), [3]);
    return "room and topic recovered";
  },

  // Bob is in two rooms; messages of both are missed; both come back in order.
  async recoveryTwoRooms() {
    const [r1, r2] = [params.room + "-a", params.room + "-b"];
    const alice = connect("alice", { transports: ["websocket"] });
    const bob = connect("bob", { transports: ["polling"], reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 100, randomizationFactor: 0 });
    await Promise.all([connected(alice), connected(bob)]);
    for (const r of [r1, r2]) {
      await call(alice, "room:create", { room: r, name: r });
      await call(bob, "room:join", { room: r });
    }
    const received = collect(bob, "message:new");
    await call(alice, "message:send", { room: r1, data: { n: 1 } });
    await call(alice, "message:send", { room: r2, data: { n: 2 } });
    await until(() => received.length === 2, "first messages");
    const reconnected = once(bob, "connect");
    bob.io.engine.close();
    await call(alice, "message:send", { room: r2, data: { n: 3 } });
    await call(alice, "message:send", { room: r1, data: { n: 4 } });
    await reconnected;
    assert.equal(bob.recovered, true);
    await until(() => received.length === 4, "missed messages of both rooms");
    const n = (room) => received.filter((m) => m.payload.room === room).map((m) => m.payload.data.n);
    assert.deepEqual(n(r1), [1, 4]);
    assert.deepEqual(n(r2), [2, 3]);
    return "two rooms recovered";
  },

  // socketio.relayEvents = ["chat message", "cursor"]: any JSON arguments come back unchanged to
  // every socket (sender included), acks get the position, limits give error acks, and a reconnect
  // recovers relayed events missed meanwhile.
  relay: async () => {
    const alice = connect("alice", { transports: ["websocket"] });
    const bob = connect("bob", { transports: ["polling"], reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 100, randomizationFactor: 0 });
    await Promise.all([connected(alice), connected(bob)]);
    const seenByBob = [];
    const seenByAlice = [];
    bob.on("cursor", (...args) => seenByBob.push(args));
    alice.on("cursor", (...args) => seenByAlice.push(args));
    const ack = await alice.timeout(5000).emitWithAck("cursor", { x: 1, y: [2, 3] }, "two", 3, null, true);
    assert.ok(ack.offset > 0, JSON.stringify(ack));
    assert.equal(typeof ack.epoch, "string");
    await until(() => seenByBob.length === 1 && seenByAlice.length === 1, "the relayed cursor");
    for (const args of [seenByBob[0], seenByAlice[0]]) {
      // the original arguments, then the recovery offset (as for every recorded event)
      assert.deepEqual(args.slice(0, 5), [{ x: 1, y: [2, 3] }, "two", 3, null, true]);
      assert.equal(args.length, 6);
      assert.match(args[5], /^t\|socketio\.relay\|/);
    }
    const big = await alice.timeout(5000).emitWithAck("chat message", "x".repeat(params.maxBytes + 10));
    assert.equal(big.error.code, "too_large");
    const unknown = await alice.timeout(5000).emitWithAck("not listed", "hi");
    assert.equal(unknown.error.code, "unknown_event");
    const binary = await alice.timeout(5000).emitWithAck("chat message", Buffer.from([1, 2]));
    assert.equal(binary.error.code, "bad_request");

    const chat = [];
    bob.on("chat message", (msg) => chat.push(msg));
    alice.emit("chat message", "before");
    await until(() => chat.length === 1, "first chat message");
    const reconnected = once(bob, "connect");
    bob.io.engine.close();
    await alice.timeout(5000).emitWithAck("chat message", "missed 1");
    await alice.timeout(5000).emitWithAck("chat message", "missed 2");
    await reconnected;
    assert.equal(bob.recovered, true);
    await until(() => chat.length === 3, "missed chat messages");
    assert.deepEqual(chat, ["before", "missed 1", "missed 2"]);

    // a backend relays through the HTTP API: data's elements are the arguments
    const res = await fetch(baseUrl + "/api/publish", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Api-Key": params.apiKey },
      body: JSON.stringify({ topic: "socketio.relay", event: "chat message", data: ["from the backend"] }),
    });
    assert.equal(res.status, 200, await res.text());
    await until(() => chat.length === 4, "the backend's chat message");
    assert.equal(chat[3], "from the backend");

    // the frame rate limit applies to relays (burst 100 at 50/s): a burst of 150 is partly refused
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => alice.timeout(5000).emitWithAck("cursor", i)));
    const limited = answers.filter((a) => a.error && a.error.code === "rate_limited").length;
    const relayed = answers.filter((a) => a.offset > 0).length;
    assert.equal(limited + relayed, 150, JSON.stringify(answers.filter((a) => !(a.offset > 0)).slice(0, 3)));
    assert.ok(limited >= 30 && relayed >= 90, "limited " + limited + ", relayed " + relayed);
    return "relayed any JSON args, limits answered, missed relays recovered, " + limited + " of 150 rate limited";
  },

  // Without socketio.relayEvents a custom event is unknown, as before.
  relayOff: async () => {
    const alice = connect("alice", { transports: ["websocket"] });
    await connected(alice);
    const r = await alice.timeout(5000).emitWithAck("chat message", "hi");
    assert.equal(r.error.code, "unknown_event");
    assert.match(r.error.message, /socketio\.relayEvents/);
    return "unknown_event";
  },
};

runScenario(scenarios, scenario);
