// A Node client pair for the signaling feature, without dependencies (the WebSocket built into Node 22,
// or Node 20 with --experimental-websocket): ann speaks the native protocol, bob the seed 003 frames.
// Prints "OK <details>" or "FAIL <reason>" (exit 0 / 1), like the server's Node test scripts.
"use strict";

const [base, annToken, bobToken, room] = process.argv.slice(2);
const opened = [];
function fail(e) {
  console.log("FAIL " + (e && e.stack ? e.stack : e));
  process.exit(1);
}
const watchdog = setTimeout(() => fail(new Error("timeout")), 20000);

/** A socket whose frames are taken by predicate; frames not asked for yet stay held. */
function connect(url) {
  const ws = new WebSocket(url);
  opened.push(ws);
  const held = [];
  const waiters = [];
  ws.onmessage = (ev) => {
    const f = JSON.parse(ev.data);
    const i = waiters.findIndex((w) => w.match(f));
    if (i >= 0) waiters.splice(i, 1)[0].resolve(f);
    else held.push(f);
  };
  const open = new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error("cannot connect " + url)); });
  return {
    open,
    send: (f) => ws.send(JSON.stringify(f)),
    take: (match) => {
      const i = held.findIndex(match);
      if (i >= 0) return Promise.resolve(held.splice(i, 1)[0]);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

function check(ok, what) {
  if (!ok) throw new Error("check failed: " + what);
}

(async () => {
  const ann = connect(`${base}/ws?token=${annToken}`);
  const bob = connect(`${base}/signaling?token=${bobToken}`);
  await Promise.all([ann.open, bob.open]);
  let id = 0;
  const request = async (type, payload) => {
    const n = ++id;
    ann.send({ type, id: n, payload });
    return ann.take((f) => f.id === n && (f.type === "reply" || f.type === "error"));
  };
  const joined = await request("signal:join", { room, create: true });
  check(joined.type === "reply" && joined.payload.room.hostId === "ann", "ann created the room: " + JSON.stringify(joined));

  bob.send({ type: "join-room", userId: "bob", roomId: room });
  const bj = await bob.take((f) => f.type === "room-joined");
  check(bj.data.peers.map((p) => p.userId).join() === "ann,bob", "bob sees both peers");
  const pj = await ann.take((f) => f.type === "signal:peer-joined");
  check(pj.payload.data.userId === "bob", "ann hears bob joining");

  const offer = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };
  check((await request("signal:send", { room, to: "bob", kind: "offer", signal: offer })).type === "reply", "offer relayed");
  const got = await bob.take((f) => f.type === "sdp-offer");
  check(got.userId === "ann" && got.data.peer === "ann" && got.data.offer.sdp === offer.sdp, "bob gets ann's offer, stamped");

  bob.send({ type: "sdp-answer", userId: "bob", roomId: room, data: { peer: "ann", answer: { type: "answer", sdp: "v=0\r\n" } } });
  const answer = await ann.take((f) => f.type === "signal:relay");
  check(answer.payload.from.id === "bob" && answer.payload.data.kind === "answer", "ann gets bob's answer, stamped");

  const forged = await request("signal:send", { room, to: "bob", kind: "offer", signal: offer, from: "mallory" });
  check(forged.type === "error" && forged.payload.code === "bad_request", "a chosen sender is refused");
  bob.send({ type: "sdp-offer", userId: "ann", roomId: room, data: { peer: "ann", offer } });
  const spoof = await bob.take((f) => f.type === "error");
  check(spoof.code === "forbidden", "a frame claiming another user is refused");
  const gone = await request("signal:send", { room, to: "zed", kind: "offer", signal: offer });
  check(gone.type === "error" && gone.payload.code === "peer_gone", "peer_gone for a peer not in the room");

  clearTimeout(watchdog);
  opened.forEach((s) => s.close());
  console.log("OK offer/answer relayed native<->seed, forged senders refused, peer_gone");
  process.exit(0);
})().catch(fail);
