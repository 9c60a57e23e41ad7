import { describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { encodeSyncStep1, encodeSyncUpdate } from '../../src/protocol/messages.js';
import { INTAKE_PAUSE_ABOVE } from '../../src/rooms/room.js';
import { FileStore } from '../../src/storage/file/store.js';
import { GatedStore } from '../support/gated-store.js';
import { createDoc, rawSocket, receivedFrames, startTestServer, waitFor } from '../support/harness.js';
import { metric, textOf } from './support.js';

/** One update per typed character, as a client typing `count` characters sends them. */
function typedUpdates(count: number): { updates: Uint8Array[]; text: string } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const text = doc.getText('t');
  for (let i = 0; i < count; i++) text.insert(i, String.fromCharCode(97 + (i % 26)));
  return { updates, text: text.toString() };
}

describe('[L10] a sender faster than the document is written is no longer read until the writes catch up', () => {
  it('with appends stalled, the server stops reading after the bound, then takes in every change once they resume', async () => {
    let gated!: GatedStore;
    const server = await startTestServer(
      { MAX_MESSAGES_PER_SECOND: '1000000' },
      { store: (dataDir) => (gated = new GatedStore(new FileStore({ dataDir, fsyncIntervalMs: 50 }), { holdAppends: false })) },
    );
    try {
      const { id, editToken } = await createDoc(server.url);
      const ws = await rawSocket(`${server.wsUrl}/${id}?token=${editToken}`);
      // The sync sub-types received, from the first frame on (the greeting can arrive with the 101).
      const syncAnswers = () =>
        receivedFrames(ws).flatMap((frame) => {
          const d = decoding.createDecoder(new Uint8Array(frame));
          return decoding.readVarUint(d) === 0 ? [decoding.readVarUint(d)] : [];
        });
      await waitFor(() => syncAnswers().includes(0), 'the join-time step1');
      gated.holdAppends = true;

      // Three times the bound, as fast as the socket takes them, then a step1 that is answered only after all.
      const sent = INTAKE_PAUSE_ABOVE * 3;
      const { updates, text } = typedUpdates(sent);
      for (const update of updates) ws.send(encodeSyncUpdate(update));
      ws.send(encodeSyncStep1(new Uint8Array([0])));

      const applied = () => server.registry.peek(id)?.doc.getText('t').length ?? 0;
      await waitFor(async () => (await metric(server.url, 'tandem_intake_pauses_total')) >= 1, 'the socket paused');
      // Once paused, what was applied stays put: a little over the bound (what ws had already read), far from all.
      await waitFor(() => gated.pendingAppends === applied(), 'every applied change waiting at the gate');
      const held = applied();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(applied()).toBe(held);
      expect(held).toBeGreaterThan(INTAKE_PAUSE_ABOVE);
      expect(held).toBeLessThan(sent);
      expect(syncAnswers().filter((sub) => sub === 1)).toEqual([]);

      // The writes resume: the socket is read again, everything is applied, written and then answered.
      gated.holdAppends = false;
      gated.releaseAppends();
      await waitFor(() => applied() === sent, 'every change applied', 15_000);
      await waitFor(() => syncAnswers().includes(1), 'the step2 answering the step1 sent last', 15_000);
      expect(server.registry.peek(id)?.doc.getText('t').toString()).toBe(text);
      ws.close();
      await waitFor(() => server.registry.size === 0, 'room unloaded', 10_000);
      expect(textOf(await server.store.load(id)).text).toBe(text);
    } finally {
      gated.holdAppends = false;
      gated.releaseAppends();
      await server.dispose();
    }
  });
});
