import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The floor: a raw `ws` broadcast relay with no Yjs at all. Every binary frame is forwarded, untouched, to
 * every other socket that opened the same path (the "room"); nothing is parsed, merged or stored.
 * GET /stats answers `{ docs, connections }`.
 */
const rooms = new Map<string, Set<WebSocket>>();
let connections = 0;

const http = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ docs: rooms.size, connections }));
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 32 * 1024 * 1024 });

wss.on('connection', (ws, req) => {
  const name = (req.url ?? '/').split('?')[0]!;
  let room = rooms.get(name);
  if (!room) rooms.set(name, (room = new Set()));
  room.add(ws);
  connections++;
  ws.on('message', (data, isBinary) => {
    for (const peer of room) if (peer !== ws && peer.readyState === peer.OPEN) peer.send(data, { binary: isBinary });
  });
  ws.on('close', () => {
    connections--;
    room.delete(ws);
    if (room.size === 0) rooms.delete(name);
  });
  ws.on('error', () => ws.terminate());
});

http.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  for (const ws of wss.clients) ws.terminate();
  http.close(() => process.exit(0));
});
