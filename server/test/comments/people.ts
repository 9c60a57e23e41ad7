/**
 * People on real sockets for the comment tests: the stock y-websocket client with a name in its awareness
 * (as the editor sets it), and the close codes the server sent it.
 */
import * as Y from 'yjs';
import { connectClient, synced } from '../support/harness.js';
import type { DocStore } from '../../src/storage/doc-store.js';

export interface Participant {
  name: string;
  doc: Y.Doc;
  provider: ReturnType<typeof connectClient>['provider'];
  /** Close codes the server sent, in order. After a refusal (4403, 1008) the client stops reconnecting. */
  closes: number[];
  destroy(): void;
}

/** Joins `docId` with `token` as `name` and waits for the first sync. */
export async function joinAs(server: { wsUrl: string }, docId: string, token: string, name: string): Promise<Participant> {
  const client = connectClient(server.wsUrl, docId, token);
  client.provider.awareness.setLocalStateField('user', { name, color: '#336699' });
  const closes: number[] = [];
  client.provider.on('connection-close', (event) => {
    const code = event?.code ?? -1;
    closes.push(code);
    // A refused update leaves a gap in this client's clock: reconnecting would only resend it.
    if (code === 4403 || code === 1008) client.provider.shouldConnect = false;
  });
  await synced(client.provider);
  return { name, doc: client.doc, provider: client.provider, closes, destroy: client.destroy };
}

/** The document as the store holds it (snapshot + log), for "is it on disk" checks. */
export async function storedDoc(store: DocStore, id: string): Promise<Y.Doc> {
  const stored = await store.load(id);
  if (!stored) throw new Error(`no stored document ${id}`);
  const doc = new Y.Doc({ gc: false });
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const update of stored.log) Y.applyUpdate(doc, update);
  return doc;
}
