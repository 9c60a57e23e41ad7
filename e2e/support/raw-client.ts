import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { SETTLE_MS } from './doc-page.js';

/**
 * Changes a document the way another program would: the stock y-websocket client (over Node's `ws`) with
 * a token, no editor and no schema. Resolves once the server has the change (its copy, fetched with a
 * second client, holds everything this one wrote).
 */
export async function writeAsProgram(appUrl: string, docId: string, token: string, change: (doc: Y.Doc) => void): Promise<void> {
  const wsUrl = `${appUrl.replace(/^http/, 'ws')}/collab`;
  const connect = (doc: Y.Doc) =>
    new WebsocketProvider(wsUrl, docId, doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token },
      disableBc: true,
    });
  const synced = (provider: WebsocketProvider) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the program did not sync')), SETTLE_MS);
      provider.once('sync', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  const doc = new Y.Doc();
  const writer = connect(doc);
  try {
    await synced(writer);
    change(doc);
    const wanted = Y.encodeStateVector(doc);
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const check = new Y.Doc();
      const reader = connect(check);
      try {
        await synced(reader);
        const missing = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(check));
        if (Y.decodeUpdate(missing).structs.length === 0) return;
      } finally {
        reader.destroy();
        check.destroy();
      }
      if (Date.now() > deadline) throw new Error(`the server did not take the program's change (${wanted.length} B state)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    writer.destroy();
    doc.destroy();
  }
}
