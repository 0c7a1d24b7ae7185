'use strict';
// The PeerJS signaling server (npm peer) as the signal scenario's reference: stock PeerServer on
// 127.0.0.1, WebSocket at /peerjs, key "peerjs". Only the limits that would refuse the generator are
// raised (concurrent_limit defaults to 5000 clients; alive_timeout so idle peers are not dropped
// during a run). Everything else is the package default.
const { PeerServer } = require('peer');

const port = Number(process.argv[2] || 9000);
PeerServer({
  host: '127.0.0.1',
  port,
  path: '/',
  key: 'peerjs',
  concurrent_limit: 1000000,
  alive_timeout: 600000,
}, () => console.log(`peerjs server on ${port}`));
