/** File store specifics of uploads: temp files a killed put left behind [UP10]. */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UploadQuotaError } from '../../../src/storage/doc-store.js';
import { makeMeta, newDocId } from '../helpers.js';
import { makeUpload } from '../upload-contract.js';
import { FileStore } from '../../../src/storage/file/store.js';

let dataDir: string;
let store: FileStore;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tandem-uploads-dir-'));
  store = new FileStore({ dataDir, fsyncIntervalMs: 5 });
});
afterEach(async () => {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A document whose uploads directory holds what a put killed after writing its temp file leaves. */
async function docWithStrayTemp(): Promise<{ id: string; dir: string; stray: string }> {
  const id = newDocId();
  await store.create(makeMeta(id));
  const dir = join(dataDir, 'docs', id, 'uploads');
  await mkdir(dir);
  const torn = makeUpload(50_000);
  const stray = `${torn.hash}.0123456789ab.tmp`;
  await writeFile(join(dir, stray), Buffer.concat([Buffer.from('image/png\n'), torn.bytes.subarray(0, 100)]));
  return { id, dir, stray };
}

describe('[UP10] temp files of a killed upload', () => {
  it('[UP10] are not read as uploads, and the next put that stores something removes them', async () => {
    const { id, dir, stray } = await docWithStrayTemp();
    expect(await store.getUpload(id, stray)).toBeNull();
    const upload = makeUpload();
    expect(await store.putUpload(id, upload)).toBe(true);
    expect(await readdir(dir)).toEqual([upload.hash]);
  });

  it('[UP9][UP10] count for nothing against the quota', async () => {
    const { id, dir } = await docWithStrayTemp();
    const quota = { maxFiles: 1, maxBytes: 1000 };
    const upload = makeUpload(1000);
    expect(await store.putUpload(id, upload, quota)).toBe(true);
    expect(await readdir(dir)).toEqual([upload.hash]);
    await expect(store.putUpload(id, makeUpload(1), quota)).rejects.toBeInstanceOf(UploadQuotaError);
  });
});
