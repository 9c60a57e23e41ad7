// A stock y-websocket client in its own process (so applying 10 MB does not stall the test's event loop):
// syncs one document, stays connected for STAY_MS, and prints what happened as one JSON line.
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

const { WS_URL, DOC_ID, TOKEN, STAY_MS = '1500' } = process.env;
const doc = new Y.Doc();
const statuses = [];
let closes = 0;
const started = performance.now();
let syncedAfterMs = -1;
const provider = new WebsocketProvider(WS_URL, DOC_ID, doc, {
  WebSocketPolyfill: WebSocket,
  params: { token: TOKEN },
  disableBc: true,
  maxBackoffTime: 200,
  connect: false,
});
provider.on('status', ({ status }) => statuses.push(status));
provider.on('connection-close', () => closes++);
provider.on('sync', (isSynced) => {
  if (!isSynced || syncedAfterMs >= 0) return;
  syncedAfterMs = Math.round(performance.now() - started);
  // Stay a while: a client stuck in a reconnect loop would show more attempts by then.
  setTimeout(() => {
    const result = {
      syncedAfterMs,
      statuses: [...statuses],
      closes,
      length: doc.getText('t').length,
      connected: provider.wsconnected,
    };
    provider.destroy();
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  }, Number(STAY_MS));
});
provider.connect();
setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ timedOut: true, statuses, closes })}\n`);
  process.exit(1);
}, 60_000).unref();
