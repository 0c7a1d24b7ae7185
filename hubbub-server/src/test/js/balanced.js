// A socket.io-client using long-polling only, through a round-robin (non-sticky) balancer in front of
// two Hubbub nodes: every HTTP request of the session may land on either node.
// Usage: node balanced.js <balancerUrl> <params-json>
//   params: {"token": "...", "room": "...", "stayMs": n}
// Protocol with the Java test: prints "JOINED <sid>" once the room is joined, then waits for a native
// client on the other node to send {"text": "from native"} to the room; afterwards sends 5 messages
// with acknowledgement (the native client checks it receives them), stays connected for stayMs (several
// heartbeats through the balancer) and sends once more. Any disconnect (e.g. "Session ID unknown")
// fails. Prints "OK <details>" and exits 0, or "FAIL <reason>" and exits 1.
"use strict";
const { io } = require("socket.io-client");
const assert = require("node:assert/strict");

const [, , baseUrl, paramsJson] = process.argv;
const params = JSON.parse(paramsJson || "{}");
const { opened, fail, finish } = require("./harness")(40000);

function call(socket, event, payload) {
  return socket.timeout(5000).emitWithAck(event, payload);
}

async function until(check, what, ms = 15000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("waited in vain for " + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

finish(async () => {
  const room = params.room;
  const socket = io(baseUrl, { forceNew: true, reconnection: false, transports: ["polling"], auth: { token: params.token } });
  opened.push(socket);
  const problems = [];
  socket.on("disconnect", (reason, details) => problems.push("disconnect: " + reason + " " + JSON.stringify(details && details.context && details.context.responseText || details || "")));
  socket.io.engine.on("error", (e) => problems.push("engine error: " + e));
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  const sid = socket.io.engine.id;
  const received = [];
  socket.on("message:new", (payload) => received.push(payload));
  const created = await call(socket, "room:create", { room, name: "Balanced" });
  assert.equal(created.room.id, room, JSON.stringify(created));
  const first = await call(socket, "message:send", { room, data: { n: 0 } });
  assert.equal(typeof first.offset, "number", JSON.stringify(first));
  console.log("JOINED " + sid);
  await until(() => received.some((m) => m.data && m.data.text === "from native"), "the native client's broadcast");
  const fromNative = received.find((m) => m.data && m.data.text === "from native");
  assert.equal(fromNative.from.id, "bob");
  for (let n = 1; n <= 5; n++) {
    const ack = await call(socket, "message:send", { room, data: { n } });
    assert.equal(typeof ack.offset, "number", JSON.stringify(ack));
  }
  await new Promise((r) => setTimeout(r, params.stayMs || 3000));
  const last = await call(socket, "message:send", { room, data: { n: 6 } });
  assert.equal(typeof last.offset, "number", JSON.stringify(last));
  assert.equal(socket.io.engine.transport.name, "polling");
  assert.equal(socket.io.engine.id, sid, "same Engine.IO session throughout");
  assert.deepEqual(problems, []);
  return `sid=${sid} received=${received.length}`;
});
