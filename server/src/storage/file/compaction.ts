/**
 * Compaction of one document: cut the log, write the snapshot, rename it into place, delete what is no longer
 * needed. The scheme and its crash analysis are described at the top of store.ts. The caller serializes
 * compactions of a document and provides the document lock that log writes also take.
 */
import { constants as fsConstants } from 'node:fs';
import { open, readdir, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, type Mutex, type StoreIo, writeFileSynced } from './fs-util.js';
import type { StoreLogger } from '../doc-store.js';
import { unlinkIfPresent } from './recovery.js';
import { encodeSnapshot, genFileName, parseGenFileName, TMP_SUFFIX, type GenFile } from './snapshot-file.js';

export type CompactionStep = 'cut' | 'write-snapshot' | 'rename-snapshot' | 'delete-old' | 'done';

export interface CompactionHooks {
  /** Called right before each step; tests use it to crash the process at a precise point. */
  beforeCompactionStep?(step: CompactionStep): void;
}

/** What the store knows about a document's log once its directory has been scanned. */
export interface DocLogState {
  /** Generation of the log appends go to. */
  generation: number;
  /** Valid length of that log; the next record is written here. */
  size: number;
  /** Generation of the newest good snapshot (what loading starts from), or null. */
  base: number | null;
  /** The open log, or null until the next write opens it. */
  file: { handle: FileHandle; path: string } | null;
  /** Written but not yet fdatasync'ed. */
  dirty: boolean;
  /** The periodic fdatasync in flight beside appends, if any: whoever closes `file` waits for it first. */
  syncing?: Promise<void> | null;
}

export interface CompactionContext {
  docId: string;
  dir: string;
  /** The document lock shared with log writes. */
  lock: Mutex;
  io: StoreIo;
  hooks: CompactionHooks;
  logger: StoreLogger;
  snapshot: () => Uint8Array;
  /** The log state, scanning the directory first if needed (throws UnknownDocError). Needs the lock. */
  getState(): Promise<DocLogState>;
  /** The log state as it is now (null if it was dropped meanwhile). */
  currentState(): DocLogState | null;
  /** fsyncs and closes the current log handle. Needs the lock. */
  closeLog(): Promise<void>;
}

export async function compactDoc(ctx: CompactionContext): Promise<void> {
  const { dir, hooks } = ctx;
  const step = (name: CompactionStep): void => hooks.beforeCompactionStep?.(name);

  // 1. Cut. Holding the lock means no log write is in flight, so every record in log.N came from an append
  // made before this instant and is covered by the state `snapshot()` returns now.
  const { generation, payload } = await ctx.lock.run(async () => {
    const state = await ctx.getState();
    step('cut');
    const payload = ctx.snapshot();
    const next = state.generation + 1;
    await ctx.closeLog();
    const path = join(dir, genFileName('log', next));
    const handle = await open(path, fsConstants.O_RDWR | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o644);
    state.generation = next;
    state.size = 0;
    state.dirty = false;
    state.file = { handle, path };
    await fsyncDir(dir);
    return { generation: next, payload };
  });

  // 2. Write the snapshot next to its final name; appends to log.<next> continue meanwhile.
  const finalPath = join(dir, genFileName('snapshot', generation));
  const tmpPath = `${finalPath}${TMP_SUFFIX}`;
  try {
    step('write-snapshot');
    await writeFileSynced(ctx.io, tmpPath, encodeSnapshot(generation, payload));

    // 3 + 4. Publish it, then drop what neither the new snapshot nor the fallback (the previous one) needs.
    step('rename-snapshot');
    await ctx.lock.run(async () => {
      await rename(tmpPath, finalPath);
      await fsyncDir(dir);
      const state = ctx.currentState();
      const previous = state ? state.base : null;
      if (state) state.base = generation;
      step('delete-old');
      if (previous !== null) await deleteOlderThan(ctx, previous);
    });
  } catch (err) {
    // The cut stays (log.<next> is a normal log); only a half-written snapshot must not linger.
    await unlinkIfPresent(tmpPath).catch(() => undefined);
    throw err;
  }
  step('done');
  ctx.logger.info({ docId: ctx.docId, generation, snapshotBytes: payload.byteLength }, 'document compacted');
}

/** Deletes every snapshot and log with a generation below `generation`. */
async function deleteOlderThan(ctx: CompactionContext, generation: number): Promise<void> {
  const old = (await readdir(ctx.dir))
    .map(parseGenFileName)
    .filter((f): f is GenFile => f !== null && f.generation < generation)
    .sort((a, b) => a.generation - b.generation);
  if (old.length === 0) return;
  for (const file of old) await unlinkIfPresent(join(ctx.dir, file.name));
  await fsyncDir(ctx.dir);
}
