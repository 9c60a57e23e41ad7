import { mkdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Server } from '@hocuspocus/server';
import * as Y from 'yjs';

/**
 * @hocuspocus/server 4.x with no extensions and its default configuration (debounce 2 s / max 10 s,
 * unloadImmediately, flushDelay 0 = updates of one tick merged into one broadcast), plus simple file
 * persistence hooks: `onLoadDocument` reads `DATA_DIR/<name>.bin`, `onStoreDocument` writes the full state
 * (temp file + rename). GET /stats answers `{ docs, connections }` through `onRequest`.
 */
const dataDir = process.env.DATA_DIR!;
mkdirSync(dataDir, { recursive: true });
const file = (name: string) => join(dataDir, `${encodeURIComponent(name)}.bin`);

const server = new Server({
  port: Number(process.env.PORT),
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: true,
  async onLoadDocument({ documentName, document }) {
    try {
      Y.applyUpdate(document, await readFile(file(documentName)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return document;
  },
  async onStoreDocument({ documentName, document }) {
    const tmp = `${file(documentName)}.tmp`;
    await writeFile(tmp, Y.encodeStateAsUpdate(document));
    await rename(tmp, file(documentName));
  },
  async onRequest({ response, instance }) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ docs: instance.getDocumentsCount(), connections: instance.getConnectionsCount() }));
    // Rejecting with nothing stops Hocuspocus's default response.
    throw null;
  },
});
await server.listen();
