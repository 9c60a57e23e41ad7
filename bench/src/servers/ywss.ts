import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { docs, setPersistence, setupWSConnection } from '@y/websocket-server/utils';

/**
 * @y/websocket-server 0.1.1 as its own bin runs it (`setupWSConnection` from `utils`, a `ws` server on a
 * plain HTTP server), plus the simplest file persistence its `setPersistence` hook allows: the document is
 * read from `DATA_DIR/<name>.bin` when first opened and its full state written back when the last connection
 * closes (its own contract: `bindState` / `writeState`). No per-update persistence. GET /stats answers
 * `{ docs, connections }`.
 */
const dataDir = process.env.DATA_DIR!;
mkdirSync(dataDir, { recursive: true });
const file = (name: string) => join(dataDir, `${encodeURIComponent(name)}.bin`);
let connections = 0;

setPersistence({
  provider: null,
  bindState: (name: string, doc: Y.Doc) => {
    try {
      Y.applyUpdate(doc, readFileSync(file(name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  },
  writeState: async (name: string, doc: Y.Doc) => {
    const tmp = `${file(name)}.tmp`;
    writeFileSync(tmp, Y.encodeStateAsUpdate(doc));
    renameSync(tmp, file(name));
  },
});

const http = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ docs: (docs as Map<string, unknown>).size, connections }));
});
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  connections++;
  ws.on('close', () => connections--);
  setupWSConnection(ws, req);
});
http.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
http.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  for (const ws of wss.clients) ws.close();
  setTimeout(() => process.exit(0), 500);
});
