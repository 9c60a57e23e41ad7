/**
 * Which store a command works on: the one the server's configuration names (DATABASE_URL, else DATA_DIR),
 * read through a read-only reader [CLI3], or written through the ordinary `DocStore` (restore, migrate).
 */
import type { DocStore } from '../storage/doc-store.js';
import { FileStore } from '../storage/file/store.js';
import { PgStore } from '../storage/pg/store.js';
import { FileStoreReader, type FileDocRead } from './file-reader.js';
import { PgStoreReader } from './pg-reader.js';

/** Where documents live: a DATA_DIR or a PostgreSQL database. */
export type StoreLocation = { kind: 'file'; dataDir: string } | { kind: 'postgres'; databaseUrl: string };

/** What the CLI reads documents through; never writes. */
export interface DocReader {
  listIds(): AsyncIterable<string>;
  read(id: string): Promise<FileDocRead | null>;
  close(): Promise<void>;
}

export function describeLocation(location: StoreLocation): string {
  if (location.kind === 'file') return `DATA_DIR ${location.dataDir}`;
  const url = new URL(location.databaseUrl);
  return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/** The configured store: PostgreSQL when DATABASE_URL is set, as the server decides (open-store.ts). */
export function configuredLocation(config: { DATA_DIR: string; DATABASE_URL?: string | undefined }): StoreLocation {
  return config.DATABASE_URL ? { kind: 'postgres', databaseUrl: config.DATABASE_URL } : { kind: 'file', dataDir: config.DATA_DIR };
}

export async function openReader(location: StoreLocation): Promise<DocReader> {
  if (location.kind === 'file') return new FileStoreReader(location.dataDir);
  const reader = new PgStoreReader(location.databaseUrl);
  await reader.open();
  return reader;
}

/** A writable store; the caller closes it (which flushes). */
export async function openWritableStore(location: StoreLocation): Promise<DocStore> {
  if (location.kind === 'file') {
    // Written documents are fsynced by close(); no need to fsync each record on the way.
    return new FileStore({ dataDir: location.dataDir, fsyncIntervalMs: 1000 });
  }
  const store = new PgStore({ databaseUrl: location.databaseUrl, pool: { max: 4 } });
  try {
    await store.ready();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}

/** Whether a store holds no document yet (restore and migrate refuse to mix documents unless forced). */
export async function isEmptyStore(store: DocStore): Promise<boolean> {
  for await (const _ of store.listIds()) return false;
  return true;
}

/** All ids first: progress lines need a total, and a list is cheap next to reading the documents. */
export async function allIds(source: { listIds(): AsyncIterable<string> }): Promise<string[]> {
  const ids: string[] = [];
  for await (const id of source.listIds()) ids.push(id);
  return ids;
}
