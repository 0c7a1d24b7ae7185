// Reference server on the npm "socket.io" package with the scenario semantics of ./hubbub bench:
// the same event names and payloads as Hubbub's Socket.IO endpoint for the events the load
// generator uses (room:create, room:join, room:leave, message:send -> message:new to the room, ping).
// Broadcasts use io.to(room).emit, which encodes the packet once for all members.
'use strict';
const { Server } = require('socket.io');

const port = Number(process.argv[2] || process.env.PORT || 8091);
const io = new Server(port, {
  transports: ['websocket'],
  perMessageDeflate: false,
  serveClient: false,
  pingInterval: 25000,
  pingTimeout: 60000,
  maxHttpBufferSize: 1e6,
});
const offsets = new Map();

io.on('connection', (socket) => {
  const user = (socket.handshake.auth && socket.handshake.auth.user) || socket.handshake.query.user || socket.id;
  const join = (p, ack) => {
    socket.join(p.room);
    if (!offsets.has(p.room)) offsets.set(p.room, 0);
    if (typeof ack === 'function') ack({ room: { id: p.room }, position: { epoch: 'e', offset: offsets.get(p.room) } });
  };
  socket.on('room:create', join);
  socket.on('room:join', join);
  socket.on('room:leave', (p, ack) => { socket.leave(p.room); if (typeof ack === 'function') ack({}); });
  socket.on('message:send', (p, ack) => {
    if (!socket.rooms.has(p.room)) {
      if (typeof ack === 'function') ack({ error: { code: 'not_found', message: 'not joined' } });
      return;
    }
    const offset = offsets.get(p.room) + 1;
    offsets.set(p.room, offset);
    const ts = Date.now();
    io.to(p.room).emit('message:new', { room: p.room, offset, epoch: 'e', ts, from: { id: user, name: user }, data: p.data });
    if (typeof ack === 'function') ack({ offset, epoch: 'e', ts });
  });
  socket.on('ping', (p, ack) => { if (typeof ack === 'function') ack({ ts: Date.now() }); });
});

console.log('socket.io peer listening on ' + port);
process.on('SIGTERM', () => process.exit(0));
