// The Socket.IO "Get started" chat client logic, run twice in Node against Hubbub with only the
// io() line changed (URL + auth), as docs/PROTOCOL.md "Migrating the getting-started chat" says.
// Usage: node chat.js <params-json>
//   params: {"urls": [urlOfAlice, urlOfBob], "tokens": {"alice": "...", "bob": "..."}, "count": n}
// Each user "types" count messages; both must see all 2*count messages, each sender's in the order
// sent, and both in the same order (the relay orders them through one topic).
// Prints "OK <details>" and exits 0, otherwise "FAIL <reason>" and exits 1.
"use strict";
const { io } = require("socket.io-client");

const params = JSON.parse(process.argv[2]);
const count = params.count || 5;
const watchdog = setTimeout(() => finish("FAIL timeout: " + JSON.stringify(pages.map((p) => p.messages))), 20000);

// One "page": the tutorial's script with its DOM replaced by an array and a submit function.
function page(url, token) {
  const messages = [];
  const input = { value: "" };

  const socket = io(url, { auth: { token } }); // the tutorial: const socket = io();

  function submit() { // the tutorial's form 'submit' listener
    if (input.value) {
      socket.emit("chat message", input.value);
      input.value = "";
    }
  }

  socket.on("chat message", (msg) => { // the tutorial appends an <li> with textContent = msg
    messages.push(msg);
  });

  return { socket, messages, input, submit };
}

function finish(line) {
  clearTimeout(watchdog);
  for (const p of pages) p.socket.disconnect();
  console.log(line);
  process.exit(line.startsWith("OK") ? 0 : 1);
}

const pages = [page(params.urls[0], params.tokens.alice), page(params.urls[1], params.tokens.bob)];

async function main() {
  await Promise.all(pages.map((p) => new Promise((resolve, reject) => {
    p.socket.once("connect", resolve);
    p.socket.once("connect_error", (e) => reject(new Error("connect_error " + e.message)));
  })));
  const names = ["alice", "bob"];
  const sent = [];
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < 2; k++) {
      const text = names[k] + " says " + i + (i === 0 ? " — héllo ✓" : "");
      pages[k].input.value = text;
      pages[k].submit();
      sent.push(text);
    }
  }
  const end = Date.now() + 10000;
  while (pages.some((p) => p.messages.length < sent.length) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const [k, p] of pages.entries()) {
    if (p.messages.length !== sent.length) throw new Error(names[k] + " saw " + JSON.stringify(p.messages));
    for (const m of p.messages) if (typeof m !== "string") throw new Error(names[k] + " got a non-string " + JSON.stringify(m));
    for (const who of names) {
      const mine = p.messages.filter((m) => m.startsWith(who + " says "));
      const expected = sent.filter((m) => m.startsWith(who + " says "));
      if (JSON.stringify(mine) !== JSON.stringify(expected)) {
        throw new Error(names[k] + " saw " + who + "'s messages as " + JSON.stringify(mine));
      }
    }
  }
  if (JSON.stringify(pages[0].messages) !== JSON.stringify(pages[1].messages)) {
    throw new Error("different orders: " + JSON.stringify(pages.map((p) => p.messages)));
  }
  await new Promise((r) => setTimeout(r, 200)); // nothing extra arrives
  if (pages.some((p) => p.messages.length !== sent.length)) throw new Error("extra messages arrived");
  finish("OK both saw " + sent.length + " messages in order: " + JSON.stringify(pages[0].messages.slice(0, 3)));
}

main().catch((e) => finish("FAIL " + (e && e.stack ? e.stack : e)));
