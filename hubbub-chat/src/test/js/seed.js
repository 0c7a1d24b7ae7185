// A seed-001 client (React/Next.js chat on socket.io-client), unchanged but for its connection
// options: auth {token, ackStyle: "seed"}. Prints "OK <details>" or "FAIL <reason>" (exit 0/1).
// Usage: node seed.js <baseUrl> <params-json: {tokens: {ann, bob}}>
"use strict";
const { io } = require("socket.io-client");
const assert = require("node:assert/strict");

const [, , baseUrl, paramsJson] = process.argv;
const params = JSON.parse(paramsJson);

function fail(error) {
  console.log("FAIL " + (error && error.stack ? error.stack : error));
  process.exit(1);
}
const watchdog = setTimeout(() => fail(new Error("timeout")), 20000);

function connect(token) {
  return new Promise((resolve, reject) => {
    const socket = io(baseUrl, { auth: { token, ackStyle: "seed" }, transports: ["websocket"], reconnection: false, forceNew: true });
    socket.once("session:welcome", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}
const emit = (socket, event, payload) => new Promise((resolve) => socket.emit(event, payload, resolve));
const next = (socket, event) => new Promise((resolve) => socket.once(event, resolve));

(async () => {
  const ann = await connect(params.tokens.ann);
  const bob = await connect(params.tokens.bob);

  const created = await emit(ann, "chat:create", { type: "direct", userId: "bob" });
  assert.equal(created.success, true, JSON.stringify(created));
  const chatId = created.chat.id;

  const pushed = next(bob, "message:new");
  const sent = await emit(ann, "message:new", { chatId, text: "hello from the seed", clientId: "seed-1" });
  assert.equal(sent.success, true);
  assert.equal(sent.message.seq, 1);
  const message = await pushed;
  assert.equal(message.text, "hello from the seed");
  assert.equal(message.sender.id, "ann");

  const again = await emit(ann, "message:new", { chatId, text: "hello from the seed", clientId: "seed-1" });
  assert.equal(again.duplicate, true);
  assert.equal(again.message.id, sent.message.id);

  const refused = await emit(ann, "message:new", { chatId, text: "" });
  assert.deepEqual([refused.success, refused.code], [false, "bad_request"]);
  assert.equal(typeof refused.error, "string");

  const typing = next(bob, "typing:start");
  assert.equal((await emit(ann, "typing:start", { chatId })).success, true);
  assert.equal((await typing).userId, "ann");

  const seen = next(ann, "chat:read");
  const read = await emit(bob, "chat:read", { chatId });
  assert.deepEqual([read.success, read.unread], [true, 0]);
  assert.equal((await seen).seq, 1);

  clearTimeout(watchdog);
  ann.close();
  bob.close();
  console.log("OK seed client: chat, send, retry, refusal, typing, receipts");
  process.exit(0);
})().catch(fail);
