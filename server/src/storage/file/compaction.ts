/**
 * Compaction of one document: cut the log, write the snapshot, read it back [D3], rename it into place, then
 * drop every older generation [D9]. The scheme and its crash analysis are described at the top of store.ts.
 * The caller serializes compactions of a document and provides the document lock that log writes also take.
 */
import { constants as fsConstants } from 'node:fs';
import { open, readdir, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, type Mutex, type StoreIo, writeFileSynced } from './fs-util.js';
import type { StoreLogger } from '../doc-store.js';
import { renameAside, unlinkIfPresent } from './recovery.js';
import { encodeSnapshot, genFileName, parseGenFileName, TMP_SUFFIX, type GenFile } from './snapshot-file.js';
import { verifySnapshotFile } from './snapshot-verify.js';

export type CompactionStep = 'cut' | 'write-snapshot' | 'verify-snapshot' | 'rename-snapshot' | 'delete-old' | 'done';

/** [D10] Compaction refused: the document was loaded without the snapshot its logs build on. */
export class IncompleteDocError extends Error {
  constructor(readonly docId: string) {
    super(`document ${docId} lacks the snapshot its logs build on; not compacting it (run tandem fsck)`);
    this.name = 'IncompleteDocError';
  }
}

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
  /**
   * [D10] Snapshots newer than `base` that failed their checks when the directory was scanned: renamed to
   * `<name>.corrupt` by the next compaction rather than deleted.
   */
  corrupt: string[];
  /**
   * [D10] False when loading could not start from a whole state: no good snapshot, yet logs that build on one
   * (a snapshot exists but is corrupt, or the oldest log is not log.0). Such a document is never compacted.
   */
  complete: boolean;
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
    // A snapshot of what loaded would drop the log records still waiting for the missing state.
    if (!state.complete) throw new IncompleteDocError(ctx.docId);
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

  // 2. Write the snapshot next to its final name, fsync it and read it back; appends to log.<next> continue
  // meanwhile. Until it has passed, nothing is published and nothing older is touched.
  const finalPath = join(dir, genFileName('snapshot', generation));
  const tmpPath = `${finalPath}${TMP_SUFFIX}`;
  try {
    step('write-snapshot');
    await writeFileSynced(ctx.io, tmpPath, encodeSnapshot(generation, payload));
    step('verify-snapshot');
    await verifySnapshotFile(tmpPath, generation, payload);

    // 3 + 4. Publish it; the verified snapshot covers every log below its generation [D9], so those logs and
    // the older snapshots go. Corrupt snapshots met by the scan are renamed aside instead [D10].
    step('rename-snapshot');
    await ctx.lock.run(async () => {
      await rename(tmpPath, finalPath);
      await fsyncDir(dir);
      const state = ctx.currentState();
      step('delete-old');
      // Without the state (dropped after a failed write) the scan's list of corrupt snapshots is gone too:
      // the next compaction, after a fresh scan, does the deleting.
      if (!state) return;
      state.base = generation;
      await dropOlderGenerations(ctx, generation, state.corrupt);
      state.corrupt = [];
    });
  } catch (err) {
    // The cut stays (log.<next> is a normal log); only a half-written or unverified snapshot must not linger.
    await unlinkIfPresent(tmpPath).catch(() => undefined);
    throw err;
  }
  step('done');
  ctx.logger.info({ docId: ctx.docId, generation, snapshotBytes: payload.byteLength }, 'document compacted');
}

/**
 * Removes every snapshot and log with a generation below `generation`, snapshots first: should this stop
 * half-way, any older snapshot still there has every log after it, so it remains a whole fallback. Names in
 * `corrupt` are renamed to `<name>.corrupt` (kept for inspection, never read) instead of deleted.
 */
async function dropOlderGenerations(ctx: CompactionContext, generation: number, corrupt: string[]): Promise<void> {
  const old = (await readdir(ctx.dir))
    .map(parseGenFileName)
    .filter((f): f is GenFile => f !== null && f.generation < generation)
    .sort((a, b) => (a.kind === b.kind ? a.generation - b.generation : a.kind === 'snapshot' ? -1 : 1));
  if (old.length === 0) return;
  for (const file of old) {
    const path = join(ctx.dir, file.name);
    if (corrupt.includes(file.name)) {
      const aside = await renameAside(ctx.dir, file.name);
      ctx.logger.warn({ docId: ctx.docId, file: file.name, keptAs: aside }, 'corrupt snapshot renamed aside');
    } else {
      await unlinkIfPresent(path);
    }
  }
  await fsyncDir(ctx.dir);
}
