/** The per-document upload quota over real HTTP against a real server with a file store [UP9]. */
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedDoc, UploadInfo } from '@tandem/common/api';
import { startTestServer, type TestServer } from '../support/harness.js';
import { makePng, pngChunk } from '../support/images.js';

const MAX_FILES = 3;
const MAX_BYTES = 4096;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ UPLOAD_DOC_MAX_FILES: String(MAX_FILES), UPLOAD_DOC_MAX_BYTES: String(MAX_BYTES) });
});
afterAll(async () => {
  await server.dispose();
});

async function createDoc(): Promise<CreatedDoc> {
  const res = await fetch(`${server.url}/api/docs`, { method: 'POST' });
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedDoc;
}

/** A distinct valid PNG of about `extra` + 70 bytes. */
const png = (extra = 16) => makePng(1, 1, [1, 2, 3], [pngChunk('prVt', randomBytes(extra))]);

async function upload(doc: CreatedDoc, bytes: Uint8Array<ArrayBuffer>): Promise<{ status: number; body: UploadInfo & { error?: string; code?: string } }> {
  const res = await fetch(`${server.url}/api/docs/${doc.id}/uploads`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${doc.editToken}` },
    body: bytes,
  });
  return { status: res.status, body: (await res.json()) as UploadInfo & { error?: string; code?: string } };
}

/** The uploads stored for the document (temp files excluded). */
async function stored(doc: CreatedDoc): Promise<string[]> {
  const names = await readdir(join(server.dataDir, 'docs', doc.id, 'uploads')).catch(() => [] as string[]);
  return names.filter((n) => /^[0-9a-f]{64}$/.test(n)).sort();
}

describe('[UP9] per-document upload quota', () => {
  it('[UP9] past UPLOAD_DOC_MAX_FILES: 413 uploads_full, nothing stored; the same bytes again still 201', async () => {
    const doc = await createDoc();
    const first = png();
    const infos: UploadInfo[] = [];
    for (const bytes of [first, png(), png()]) {
      const res = await upload(doc, bytes);
      expect(res.status).toBe(201);
      infos.push(res.body);
    }
    const refused = await upload(doc, png());
    expect(refused.status).toBe(413);
    expect(refused.body.code).toBe('uploads_full');
    expect(refused.body.error).toMatch(/uploads are full.*3 images/);
    expect(await stored(doc)).toEqual(infos.map((i) => i.hash).sort());

    const again = await upload(doc, first);
    expect(again.status).toBe(201);
    expect(again.body.src).toBe(infos[0]!.src);
    // Another document is not charged for this one's images.
    expect((await upload(await createDoc(), png())).status).toBe(201);
  });

  it('[UP9] past UPLOAD_DOC_MAX_BYTES: 413 uploads_full with files to spare', async () => {
    const doc = await createDoc();
    expect((await upload(doc, png(1800))).status).toBe(201);
    expect((await upload(doc, png(1800))).status).toBe(201);
    const refused = await upload(doc, png(1800));
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 413, code: 'uploads_full' });
    expect(await stored(doc)).toHaveLength(2);
  });

  it('[UP9] concurrent uploads racing for the last slot: exactly one 201, the rest 413, one stored', async () => {
    const doc = await createDoc();
    for (let i = 0; i < MAX_FILES - 1; i++) expect((await upload(doc, png())).status).toBe(201);
    const racers = Array.from({ length: 6 }, () => png());
    const results = await Promise.all(racers.map((bytes) => upload(doc, bytes)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 413, 413, 413, 413, 413]);
    for (const r of results.filter((r) => r.status === 413)) expect(r.body.code).toBe('uploads_full');
    const winner = results.find((r) => r.status === 201)!.body;
    const names = await stored(doc);
    expect(names).toHaveLength(MAX_FILES);
    expect(names).toContain(winner.hash);
  });

  it('[UP9] the same image racing for the last slot: every upload 201, stored once', async () => {
    const doc = await createDoc();
    for (let i = 0; i < MAX_FILES - 1; i++) expect((await upload(doc, png())).status).toBe(201);
    const same = png();
    const results = await Promise.all(Array.from({ length: 5 }, () => upload(doc, same)));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.src)).size).toBe(1);
    expect(await stored(doc)).toHaveLength(MAX_FILES);
  });
});
