// Drives a running Hubbub Socket.IO endpoint with the official socket.io-client.
// Usage: node interop.js <baseUrl> <scenario>
// Prints "OK <details>" and exits 0 when every check of the scenario passed; otherwise prints
// "FAIL <reason>" and exits 1. A watchdog fails the scenario after 10 seconds.
"use strict";
const { io } = require("socket.io-client");
const assert = require("node:assert/strict");

const [, , baseUrl, scenario] = process.argv;
const { opened, fail, runScenario } = require("./harness")(10000);

function connect(path, opts) {
  const socket = io(baseUrl + path, { forceNew: true, reconnection: false, ...opts });
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

// emit/ack/binary round trips shared by the transport scenarios
async function roundTrips(socket) {
  const [echo] = await Promise.all([once(socket, "message-back"), Promise.resolve(socket.emit("message", 1, "two", { three: [true] }))]);
  assert.deepEqual(echo, [1, "two", { three: [true] }]);
  const acked = await socket.timeout(5000).emitWithAck("message-with-ack", "a", { b: 2 });
  assert.deepEqual(acked, "a"); // emitWithAck resolves with the first ack argument
  const bytes = Buffer.from([1, 2, 3, 250]);
  const nested = Buffer.from("nested");
  const [[binEcho, binMeta]] = await Promise.all([
    once(socket, "message-back"),
    Promise.resolve(socket.emit("message", bytes, { file: nested, name: "n" })),
  ]);
  assert.deepEqual(Buffer.from(binEcho), bytes);
  assert.deepEqual(Buffer.from(binMeta.file), nested);
  assert.equal(binMeta.name, "n");
  const binAck = await new Promise((resolve) => socket.emit("message-with-ack", bytes, (...args) => resolve(args)));
  assert.deepEqual(Buffer.from(binAck[0]), bytes);
}

async function transportScenario(opts, expectedTransport, waitUpgrade) {
  const socket = connect("/", { auth: { token: "tok-1" }, ...opts });
  const authPromise = once(socket, "auth");
  await connected(socket);
  const [auth] = await authPromise;
  assert.deepEqual(auth, { token: "tok-1" });
  if (waitUpgrade && socket.io.engine.transport.name !== "websocket") {
    await once(socket.io.engine, "upgrade");
  }
  assert.equal(socket.io.engine.transport.name, expectedTransport);
  await roundTrips(socket);
  const disconnected = once(socket, "disconnect");
  socket.disconnect();
  const [reason] = await disconnected;
  return `transport=${socket.io.engine ? expectedTransport : "?"} reason=${reason}`;
}

const scenarios = {
  websocket: () => transportScenario({ transports: ["websocket"] }, "websocket", false),
  polling: () => transportScenario({ transports: ["polling"] }, "polling", false),
  upgrade: () => transportScenario({ transports: ["polling", "websocket"] }, "websocket", true),

  async namespaces() {
    const custom = connect("/custom", { transports: ["websocket"] });
    const [auth] = await Promise.all([once(custom, "auth"), connected(custom)]).then(([a]) => a);
    assert.deepEqual(auth, {});
    const random = connect("/random", { transports: ["websocket"] });
    const error = await connected(random).then(() => null, (e) => e);
    assert.ok(error, "connection to /random must fail");
    assert.equal(error.message, "Invalid namespace");
    return "custom joined, random refused";
  },

  async auth() {
    const good = connect("/private", { transports: ["websocket"], auth: { token: "good" } });
    await connected(good);
    const bad = connect("/private", { transports: ["websocket"], auth: { token: "bad" } });
    const error = await connected(bad).then(() => null, (e) => e);
    assert.ok(error, "bad token must be refused");
    assert.equal(error.message, "unauthorized");
    assert.deepEqual(error.data, { code: "AUTH_FAILED" });
    return "good accepted, bad refused";
  },

  async recovery() {
    const socket = io(baseUrl + "/recover", { forceNew: true, transports: ["websocket"], reconnectionDelay: 50, reconnectionDelayMax: 100 });
    opened.push(socket);
    const firstTick = once(socket, "tick");
    await connected(socket);
    assert.equal(socket.recovered, false);
    await firstTick;
    // drop the transport: the client reconnects and presents pid + offset
    const reconnected = once(socket, "connect");
    const report = once(socket, "recovery-report");
    socket.io.engine.close();
    await reconnected;
    const [seen] = await report;
    assert.deepEqual(seen, { pid: "pid-1", offset: "offset-7" });
    assert.equal(socket.recovered, true);
    return "recovered with pid and offset";
  },
};

runScenario(scenarios, scenario);
