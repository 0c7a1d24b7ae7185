// Reference server on the npm "ws" package with the scenario semantics of ./hubbub bench:
// the subset of Hubbub's native protocol the load generator uses (session:welcome, room:create,
// room:join, room:leave, message:send -> message:new to every member, ping). Each broadcast is
// serialised once and the same string is sent to every member, as a careful ws application would.
'use strict';
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || process.env.PORT || 8090);
const rooms = new Map(); // room id -> { members: Set<ws>, offset }
let nextSession = 0;

const wss = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false, clientTracking: false });

function reply(ws, id, payload) {
  if (id !== undefined && id !== null) ws.send(JSON.stringify({ type: 'reply', id, payload }));
}

function fail(ws, id, code, message) {
  ws.send(JSON.stringify(id === undefined ? { type: 'error', payload: { code, message } }
                                          : { type: 'error', id, payload: { code, message } }));
}

wss.on('connection', (ws, req) => {
  const url = new URL(req.url, 'http://x');
  const user = url.searchParams.get('user') || ('u' + nextSession);
  const sessionId = 's' + (nextSession++);
  const joined = new Set();
  ws.send(JSON.stringify({ type: 'session:welcome', payload: { sessionId, user: { id: user, name: user } } }));

  ws.on('message', (raw) => {
    let frame;
    try { frame = JSON.parse(raw); } catch (e) { return fail(ws, undefined, 'bad_request', 'bad JSON'); }
    const p = frame.payload || {};
    switch (frame.type) {
      case 'room:create':
      case 'room:join': {
        let room = rooms.get(p.room);
        if (!room) { room = { members: new Set(), offset: 0 }; rooms.set(p.room, room); }
        room.members.add(ws);
        joined.add(p.room);
        return reply(ws, frame.id, { room: { id: p.room }, position: { epoch: 'e', offset: room.offset } });
      }
      case 'room:leave': {
        const room = rooms.get(p.room);
        if (room) room.members.delete(ws);
        joined.delete(p.room);
        return reply(ws, frame.id, {});
      }
      case 'message:send': {
        const room = rooms.get(p.room);
        if (!room || !room.members.has(ws)) return fail(ws, frame.id, 'not_found', 'not joined');
        const offset = ++room.offset;
        const ts = Date.now();
        const out = JSON.stringify({ type: 'message:new', payload: { room: p.room, offset, epoch: 'e', ts, from: { id: user, name: user }, data: p.data } });
        for (const m of room.members) m.send(out);
        return reply(ws, frame.id, { offset, epoch: 'e', ts });
      }
      case 'ping':
        return reply(ws, frame.id, { ts: Date.now() });
      default:
        return fail(ws, frame.id, 'unknown_event', 'unknown event ' + frame.type);
    }
  });
  ws.on('close', () => {
    for (const r of joined) { const room = rooms.get(r); if (room) room.members.delete(ws); }
  });
  ws.on('error', () => {});
});

wss.on('listening', () => console.log('ws peer listening on ' + port));
process.on('SIGTERM', () => process.exit(0));
