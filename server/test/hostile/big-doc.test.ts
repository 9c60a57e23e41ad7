/**
 * A 10 MB document: a fresh stock client syncs it in one go (no reconnect loop), and other documents keep
 * round-tripping while the server sends it. Liveness, not speed: speed belongs in bench/.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDoc, waitFor, withServer } from '../support/harness.js';
import { LightClient, metric } from './support.js';

const CLIENT = fileURLToPath(new URL('./big-doc-client.mjs', import.meta.url));
const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));

describe('big documents [RL2][L5]', () => {
  it('[RL2] a 10 MB document syncs to a fresh stock client without reconnecting, while another document keeps round-tripping', () =>
    withServer({ ROOM_IDLE_MS: '30000' }, async (s) => {
      const big = await createDoc(s.url);
      // 20 000 inserts of 500 characters at random places: ~10 MB in tens of thousands of items.
      const author = new LightClient(`${s.wsUrl}/${big.id}?token=${big.editToken}`);
      const text = author.doc.getText('t');
      author.doc.transact(() => {
        for (let i = 0; i < 20_000; i++) text.insert(Math.floor(Math.random() * (text.length + 1)), `${i}`.padEnd(500, '.'));
      });
      const size = text.length;
      expect(size).toBeGreaterThanOrEqual(10_000_000);
      await author.connect(); // its sync step2 uploads the whole document in one message
      await waitFor(() => s.registry.peek(big.id)?.doc.getText('t').length === size, 'server has the 10 MB', 30_000);
      await author.disconnect();
      const stateBytes = Y.encodeStateAsUpdate(s.registry.peek(big.id)!.doc).byteLength;

      // Another document, round-tripping edits between two clients the whole time.
      const small = await createDoc(s.url);
      const smallUrl = `${s.wsUrl}/${small.id}?token=${small.editToken}`;
      const [ping, pong] = [new LightClient(smallUrl), new LightClient(smallUrl)];
      await Promise.all([ping.connect(), pong.connect()]);
      const latencies: number[] = [];
      let probing = true;
      const probe = (async () => {
        for (let i = 0; probing; i++) {
          const mark = `<${i}>`;
          const sent = performance.now();
          ping.doc.getText('t').insert(0, mark);
          await waitFor(() => pong.text.startsWith(mark), 'round trip', 10_000);
          latencies.push(performance.now() - sent);
        }
      })();

      const loadsBefore = await metric(s.url, 'tandem_document_loads_total');
      const { stdout } = await promisify(execFile)(process.execPath, [CLIENT], {
        cwd: SERVER_DIR,
        env: { PATH: process.env.PATH ?? '', WS_URL: s.wsUrl, DOC_ID: big.id, TOKEN: big.viewToken, STAY_MS: '1500' },
        timeout: 70_000,
      });
      probing = false;
      await probe;
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        syncedAfterMs: number;
        statuses: string[];
        closes: number;
        length: number;
        connected: boolean;
      };
      const worst = Math.max(...latencies);
      console.info(
        `[hostile] 10 MB document (${(stateBytes / 2 ** 20).toFixed(1)} MiB of Yjs state) synced in ${result.syncedAfterMs} ms; ` +
          `the other document's round trip: ${latencies.length} samples, worst ${worst.toFixed(0)} ms`,
      );
      expect(result.length).toBe(size);
      expect(result.statuses.filter((st) => st === 'connecting')).toHaveLength(1);
      expect(result.statuses).not.toContain('disconnected');
      expect(result.closes).toBe(0);
      expect(result.connected).toBe(true);
      // Round trips went on during the sync (each bounded at 10 s above): the big document did not stall the others.
      expect(latencies.length).toBeGreaterThan(5);
      // The big document stayed open; nothing was loaded again.
      expect(await metric(s.url, 'tandem_document_loads_total')).toBe(loadsBefore);
      await Promise.all([ping.disconnect(), pong.disconnect()]);
    }), 120_000);
});
