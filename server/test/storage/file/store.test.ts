import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocStore } from '../../../src/storage/doc-store.js';
import { FileStore, type FileStoreOptions } from '../../../src/storage/file/store.js';
import { describeDocStoreContract, type StoreHarness } from '../contract.js';

/** A file store over a fresh temp dir; reopen = close + new store on the same dir. */
export async function fileHarness(options: Omit<FileStoreOptions, 'dataDir'>): Promise<StoreHarness & { dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tandem-store-'));
  let current: DocStore = new FileStore({ dataDir, ...options });
  return {
    dataDir,
    get store() {
      return current;
    },
    async reopen() {
      await current.close();
      current = new FileStore({ dataDir, ...options });
      return current;
    },
    async cleanup() {
      await current.close().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describeDocStoreContract('file store (group commit, fsync every 5 ms)', () => fileHarness({ fsyncIntervalMs: 5 }));
describeDocStoreContract('file store (fsync before every acknowledgement)', () => fileHarness({ fsyncIntervalMs: 0 }));
