// Colyseus reference for `spaces`: one room "space" where clients walk a tile grid with the same
// movement rules as Hubbub's spaces feature (one tile up/down/left/right, inside the space, a token
// bucket of MOVES_PER_SEC / MOVE_BURST), each accepted move answered to the mover ("ack") and
// broadcast to everyone else ("moved" {u, x, y}). No schema state (patchRate null): messages only,
// msgpack-encoded once per broadcast by Colyseus.
// BATCH=1: like Hubbub's batchMovement, moves are collected and broadcast once per tick (TICK_HZ)
// as "moves" [[u, x, y], ...] (each mover's latest position), the movers included.
// Usage: node colyseus-server.js PORT
const { Server, Room } = require('@colyseus/core');
const { WebSocketTransport } = require('@colyseus/ws-transport');

const port = Number(process.argv[2] || 2567);
const MOVES_PER_SEC = Number(process.env.MOVES_PER_SEC || 20);
const MOVE_BURST = Number(process.env.MOVE_BURST || 20);
const BATCH = process.env.BATCH === '1';
const TICK_HZ = Number(process.env.TICK_HZ || 20);

class SpaceRoom extends Room {
  onCreate(options) {
    this.maxClients = 5000;
    this.autoDispose = false;
    this.patchRate = null;
    this.side = Number(options.side || 100);
    this.members = new Map(); // sessionId -> {u, x, y, tokens, last}
    this.pending = new Map(); // u -> [u, x, y] (BATCH)
    this.onMessage('move', (client, m) => this.move(client, m));
    if (BATCH) this.clock.setInterval(() => this.flush(), 1000 / TICK_HZ);
  }

  onJoin(client, options) {
    const occupied = new Set();
    for (const o of this.members.values()) occupied.add(o.x * 100000 + o.y);
    let x, y;
    do {
      x = Math.floor(Math.random() * this.side);
      y = Math.floor(Math.random() * this.side);
    } while (occupied.has(x * 100000 + y));
    const me = { u: Number(options.u), x, y, tokens: MOVE_BURST, last: Date.now() };
    this.members.set(client.sessionId, me);
    client.send('spawn', { x, y });
  }

  onLeave(client) {
    this.members.delete(client.sessionId);
  }

  move(client, m) {
    const me = this.members.get(client.sessionId);
    if (!me) return;
    const now = Date.now();
    me.tokens = Math.min(MOVE_BURST, me.tokens + (now - me.last) * MOVES_PER_SEC / 1000);
    me.last = now;
    const x = m.x, y = m.y;
    let reason = null;
    if (!Number.isInteger(x) || !Number.isInteger(y) || Math.abs(x - me.x) + Math.abs(y - me.y) !== 1) reason = 'not_adjacent';
    else if (x < 0 || y < 0 || x >= this.side || y >= this.side) reason = 'out_of_bounds';
    else if (me.tokens < 1) reason = 'rate_limited';
    if (reason) {
      client.send('ack', { accepted: false, x: me.x, y: me.y, reason });
      return;
    }
    me.tokens -= 1;
    me.x = x;
    me.y = y;
    client.send('ack', { accepted: true, x, y });
    if (BATCH) this.pending.set(me.u, [me.u, x, y]);
    else this.broadcast('moved', [me.u, x, y], { except: client });
  }

  flush() {
    if (this.pending.size === 0) return;
    const moves = [...this.pending.values()];
    this.pending.clear();
    this.broadcast('moves', moves);
  }
}

const server = new Server({ transport: new WebSocketTransport({ perMessageDeflate: false }), greet: false });
server.define('space', SpaceRoom);
server.listen(port, '127.0.0.1').then(() => console.log(`colyseus peer on 127.0.0.1:${port} (batch=${BATCH})`));
