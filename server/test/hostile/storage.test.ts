/**
 * Storage faults through the real server: the real file store, with failures injected through its `io` seam
 * (writes) or at the DocStore boundary (reads). Covered elsewhere and not repeated: torn log tails and
 * corrupt snapshots (storage/file/recovery "[D4]", "[D5]"), failed compaction writes (storage/file/io
 * "[D3][D6]"), SIGKILL during compaction (storage/file/crash "[D3]"), SIGKILL after a peer received an edit
 * (integration/sigkill "[D1]"), a client arriving while its document's final write is in flight
 * (integration/lifecycle "[U3][U2]").
 */
import { describe, expect, it } from 'vitest';
import { FileStore, type StoreIo } from '../../src/storage/file/store.js';
import { defaultIo } from '../../src/storage/file/fs-util.js';
import { connectClient, createDoc, synced, upgradeStatus, waitFor, withServer } from '../support/harness.js';
import { rawJoin } from '../integration/support.js';
import { hashTree, metric, overriding, storedText } from './support.js';

const fault = (code: string) => Object.assign(new Error(`${code}: injected by the test`), { code });

describe('write failures [D1][D6]', () => {
  const cases: [string, Record<string, string>, keyof StoreIo, string][] = [
    ['ENOSPC on write', { FSYNC_INTERVAL_MS: '50' }, 'writev', 'ENOSPC'],
    ['EIO on write', { FSYNC_INTERVAL_MS: '50' }, 'writev', 'EIO'],
    ['EIO on fdatasync (FSYNC_INTERVAL_MS=0)', { FSYNC_INTERVAL_MS: '0' }, 'datasync', 'EIO'],
  ];
  it.each(cases)(
    '[D6][D1] %s: nothing is acknowledged or relayed, sockets close with 1011, the error is logged and counted; once the fault clears the reconnecting client resends and the edit is durable',
    async (_name, env, op, code) => {
      let failing = false;
      let failures = 0;
      const io: Partial<StoreIo> = {
        writev: (file, buffers, position) =>
          failing && op === 'writev' ? (failures++, Promise.reject(fault(code))) : defaultIo.writev(file, buffers, position),
        datasync: (file) => (failing && op === 'datasync' ? (failures++, Promise.reject(fault(code))) : defaultIo.datasync(file)),
      };
      await withServer(
        env,
        async (s) => {
          const { id, editToken } = await createDoc(s.url);
          const [a, b] = [connectClient(s.wsUrl, id, editToken), connectClient(s.wsUrl, id, editToken)];
          await Promise.all([synced(a.provider), synced(b.provider)]);
          a.text.insert(0, 'before;');
          await waitFor(() => b.text.toString() === 'before;', 'b sees the first edit');
          const closes: Record<'a' | 'b', number[]> = { a: [], b: [] };
          a.provider.on('connection-close', (event) => closes.a.push(event?.code ?? 0));
          b.provider.on('connection-close', (event) => closes.b.push(event?.code ?? 0));
          const errorsBefore = await metric(s.url, 'tandem_errors_total', 'kind="storage"');

          failing = true;
          a.text.insert(7, 'during;');
          await waitFor(() => closes.a.includes(1011) && closes.b.includes(1011), 'both sockets closed with 1011');
          // No false durability: the peer never saw the edit the server could not write.
          expect(b.text.toString()).toBe('before;');
          expect(await metric(s.url, 'tandem_errors_total', 'kind="storage"')).toBeGreaterThan(errorsBefore);
          const logged = s.logs.find((l) => l.level >= 50 && l.msg.includes('storage append failed'));
          expect(logged, 'an error line naming the failure').toMatchObject({ doc: id });
          expect(JSON.stringify(logged)).toContain(code);
          // While the disk keeps failing, reconnects keep being refused the same way; the process is fine.
          await waitFor(() => failures >= 2, 'a reconnect retried the write');
          expect(b.text.toString()).toBe('before;');
          expect((await fetch(`${s.url}/healthz`)).status).toBe(200);

          failing = false;
          await waitFor(() => b.text.toString() === 'before;during;', 'after the fault clears the edit arrives', 10_000);
          a.destroy();
          b.destroy();
          await waitFor(() => s.registry.size === 0, 'room unloaded');
          expect(await storedText(s.store, id)).toBe('before;during;');
        },
        { store: (dataDir) => new FileStore({ dataDir, fsyncIntervalMs: Number(env.FSYNC_INTERVAL_MS), io }) },
      );
    },
  );
});

describe('read failures at load [U5]', () => {
  it('[U5] a document that cannot be read refuses its clients (1011 on the socket, 500 over HTTP) and no file under DATA_DIR changes; once readable it opens intact', async () => {
    let failing = false;
    let target = '';
    await withServer(
      {},
      async (s) => {
        const { id, editToken, viewToken } = await createDoc(s.url);
        const other = await createDoc(s.url);
        const writer = connectClient(s.wsUrl, id, editToken);
        await synced(writer.provider);
        writer.text.insert(0, 'precious');
        await waitFor(() => s.registry.peek(id)?.doc.getText('t').toString() === 'precious', 'server has it');
        writer.destroy();
        await waitFor(() => s.registry.size === 0, 'room unloaded');
        const before = await hashTree(s.dataDir);
        expect(Object.keys(before).some((f) => f.includes(id))).toBe(true);

        target = id;
        failing = true;
        const sockets = [rawJoin(`${s.wsUrl}/${id}?token=${editToken}`), rawJoin(`${s.wsUrl}/${id}?token=${viewToken}`)];
        expect(await Promise.all(sockets.map((x) => x.closed))).toEqual([1011, 1011]);
        expect((await fetch(`${s.url}/api/docs/${id}`, { headers: { authorization: `Bearer ${viewToken}` } })).status).toBe(500);
        expect(s.logs.some((l) => l.level >= 50 && l.msg.includes('could not be opened'))).toBe(true);
        await waitFor(() => s.registry.size === 0, 'nothing stays open');
        expect(await hashTree(s.dataDir)).toEqual(before);
        // Other documents are unaffected meanwhile.
        const fine = connectClient(s.wsUrl, other.id, other.editToken);
        await synced(fine.provider);
        fine.destroy();

        failing = false;
        const reader = connectClient(s.wsUrl, id, viewToken);
        await synced(reader.provider);
        expect(reader.text.toString()).toBe('precious');
        reader.destroy();
      },
      {
        store: (dataDir) => {
          const inner = new FileStore({ dataDir, fsyncIntervalMs: 50 });
          return overriding(inner, { load: (id) => (failing && id === target ? Promise.reject(fault('EIO')) : inner.load(id)) });
        },
      },
    );
  });

  it('[U5][D2] stored bytes that pass their checksum but are not a Yjs update: the load fails, clients are refused, and nothing is written over the document', () =>
    withServer({}, async (s) => {
      const { id, editToken } = await createDoc(s.url);
      const writer = connectClient(s.wsUrl, id, editToken);
      await synced(writer.provider);
      writer.text.insert(0, 'keep me');
      await waitFor(() => s.registry.peek(id)?.doc.getText('t').toString() === 'keep me', 'server has it');
      writer.destroy();
      await waitFor(() => s.registry.size === 0, 'room unloaded');
      // A record the log format accepts (its checksum is right) whose content Yjs cannot read.
      await s.store.append(id, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
      await s.store.flush(id);
      await s.store.release(id);
      const before = await hashTree(s.dataDir);
      for (let attempt = 0; attempt < 3; attempt++) {
        expect(await rawJoin(`${s.wsUrl}/${id}?token=${editToken}`).closed).toBe(1011);
      }
      expect(await upgradeStatus(`${s.wsUrl}/${id}?token=${editToken}`)).toBe(101); // the upgrade itself is fine…
      await waitFor(() => s.registry.size === 0, 'nothing stays open');
      expect(await hashTree(s.dataDir)).toEqual(before); // …but no empty document was written over it (Hocuspocus #382)
    }));
});
