// Load client for the Colyseus `spaces` reference (the Java generator does not speak Colyseus's
// msgpack room protocol): the same walk as Hubbub's `spaces` scenario (SpacesScenario.java) —
// N avatars, each walking a 4x4 square at R tiles/s, one move in flight per avatar (a beat is
// skipped while the previous move is unanswered), move->seen latency from a send-time table shared
// by the whole generator (slot = the step's place on the mover's square). Starts
// colyseus-server.js itself (so its CPU and RSS are read from /proc) and prints one JSON line.
// Usage: node colyseus-load.js [-n 200] [-r 5] [-d 10] [--warmup 3] [--batch] [--spaces 1]
// --spaces K: K rooms ("spaces") of N/K avatars each (Hubbub: bench run -s spaces --spaces K).
const { Client } = require('@colyseus/sdk');
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const os = require('os');

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const N = Number(opt('-n', 200)), RATE = Number(opt('-r', 5)), SECONDS = Number(opt('-d', 10)), WARMUP = Number(opt('--warmup', 3));
const BATCH = args.includes('--batch');
const SPACES = Math.max(1, Number(opt('--spaces', 1)));
const PER_SPACE = Math.ceil(N / SPACES);
const LAP = 12;
const side = Math.max(20, Math.ceil(Math.sqrt(PER_SPACE * 40)));
const TICKS = 100; // clock ticks per second (/proc/<pid>/stat)

function cpuTicks(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}
const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
function machine() {
  const c = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = c[3] + c[4];
  return { total: c.reduce((a, b) => a + b, 0), busy: c.reduce((a, b) => a + b, 0) - idle };
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function freePort() {
  return new Promise((res) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
}

async function main() {
  const port = await freePort();
  const server = spawn('node', [path.join(__dirname, 'colyseus-server.js'), String(port)],
    { env: { ...process.env, BATCH: BATCH ? '1' : '0' }, stdio: ['ignore', 'inherit', 'inherit'] });
  process.on('exit', () => server.kill());
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((res) => { const s = net.connect(port, '127.0.0.1', () => { s.end(); res(true); }); s.on('error', () => res(false)); });
    if (ok) break;
    await sleep(100);
  }
  const ox = new Int32Array(N), oy = new Int32Array(N), dx = new Int32Array(N), dy = new Int32Array(N);
  const sentAt = new Float64Array(N * LAP);
  let received = 0, accepted = 0, rejected = 0, skipped = 0, sent = 0, recording = false;
  let lat = [];
  const slot = (m, x, y) => {
    const rx = (x - ox[m]) * dx[m], ry = (y - oy[m]) * dy[m];
    if (ry === 0 && rx >= 0 && rx <= 3) return rx % LAP;
    if (rx === 3 && ry > 0 && ry <= 3) return 3 + ry;
    if (ry === 3 && rx >= 0 && rx < 3) return 6 + (3 - rx);
    if (rx === 0 && ry > 0 && ry < 3) return 9 + (3 - ry);
    return -1;
  };
  const position = (m, k) => {
    const i = k % LAP;
    let rx, ry;
    if (i <= 3) { rx = i; ry = 0; } else if (i <= 6) { rx = 3; ry = i - 3; } else if (i <= 9) { rx = 3 - (i - 6); ry = 3; } else { rx = 0; ry = 3 - (i - 9); }
    return [ox[m] + rx * dx[m], oy[m] + ry * dy[m]];
  };
  const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
  const seen = (m, x, y, t) => {
    received++;
    const s = slot(m, x, y);
    if (s < 0) return;
    const at = sentAt[m * LAP + s];
    if (at && recording) lat.push(t - at);
  };
  const client = new Client(`ws://127.0.0.1:${port}`);
  const rooms = [];
  const walkers = [];
  let first = null;
  for (let m = 0; m < N; m++) {
    const room = m % PER_SPACE === 0 ? await client.create('space', { side, u: m }) : await client.joinById(first.roomId, { u: m });
    if (m % PER_SPACE === 0) first = room;
    const w = { m, at: 0, inFlight: false, k: 0 };
    room.onMessage('spawn', ({ x, y }) => { ox[m] = x; oy[m] = y; dx[m] = x + 3 < side ? 1 : -1; dy[m] = y + 3 < side ? 1 : -1; w.ready = true; });
    room.onMessage('ack', (a) => { w.inFlight = false; if (a.accepted) { w.at = w.k; accepted++; } else rejected++; });
    room.onMessage('moved', (mv) => seen(mv[0], mv[1], mv[2], now()));
    room.onMessage('moves', (list) => { const t = now(); for (const mv of list) if (mv[0] !== m) seen(mv[0], mv[1], mv[2], t); });
    rooms.push(room);
    walkers.push({ w, room });
    if (m % 100 === 0) process.stderr.write(`  [colyseus spaces] joined ${m + 1}/${N}\r`);
  }
  await sleep(500);
  const period = 1000 / RATE;
  const timers = walkers.map(({ w, room }) => {
    const tick = () => {
      if (!w.ready) return;
      if (w.inFlight) { skipped++; return; }
      w.k = w.at + 1;
      const [x, y] = position(w.m, w.k);
      w.inFlight = true;
      sentAt[w.m * LAP + (w.k % LAP)] = now();
      sent++;
      room.send('move', { x, y });
    };
    let t;
    const start = setTimeout(() => { t = setInterval(tick, period); }, Math.random() * period);
    return () => { clearTimeout(start); clearInterval(t); };
  });
  await sleep(WARMUP * 1000);
  recording = true;
  lat = [];
  const r0 = received, a0 = accepted, j0 = rejected, s0 = skipped;
  const c0 = cpuTicks(server.pid), self0 = process.cpuUsage(), m0 = machine(), t0 = now();
  await sleep(SECONDS * 1000);
  const c1 = cpuTicks(server.pid), self1 = process.cpuUsage(self0), m1 = machine(), t1 = now();
  recording = false;
  timers.forEach((stop) => stop());
  const secs = (t1 - t0) / 1000;
  const deliveries = received - r0, moves = accepted - a0;
  lat.sort((a, b) => a - b);
  const pct = (p) => (lat.length ? Math.round(lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] * 1000) / 1000 : -1);
  const serverCpuSec = (c1 - c0) / TICKS;
  const round = (v) => Math.round(v * 100) / 100;
  const result = {
    target: BATCH ? 'colyseus-batch' : 'colyseus', scenario: 'spaces', params: { avatars: N, tilesPerSec: RATE, space: `${side}x${side}`, spaces: SPACES },
    connections: N, seconds: round(secs), sent: moves, deliveries, rate: round(deliveries / secs),
    p50Ms: pct(0.5), p95Ms: pct(0.95), p99Ms: pct(0.99), p999Ms: pct(0.999), maxMs: pct(1),
    serverCpuUsPerDelivery: deliveries ? round(serverCpuSec * 1e6 / deliveries) : -1, serverCpuPct: round(100 * serverCpuSec / secs),
    serverRssKb: rssKb(server.pid), generatorCpuPct: round(100 * (self1.user + self1.system) / 1e6 / secs),
    machineBusyPct: round(100 * (m1.busy - m0.busy) / (m1.total - m0.total)), loadAverage: round(os.loadavg()[0]),
    extra: { acceptedMovesPerSec: round(moves / secs), rejectedMoves: rejected - j0, skippedBeats: skipped - s0,
      expectedDeliveries: moves * (PER_SPACE - 1), coalescedOrMissing: Math.max(0, moves * (PER_SPACE - 1) - deliveries),
      generator: 'node colyseus-load.js (@colyseus/sdk, one Node process)' },
  };
  console.log(JSON.stringify(result));
  for (const room of rooms) room.connection.close();
  server.kill();
  process.exit(0);
}
main().catch((e) => { console.error(e); process.exit(1); });
