/**
 * Reading a document directory back: pick the newest good snapshot, replay the logs it does not cover, and
 * repair what a crash can leave behind (torn log tails, leftover `.tmp` files). See store.ts for the
 * on-disk scheme.
 */
import { constants as fsConstants, readdirSync } from 'node:fs';
import { access, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreLogger, StoredDoc } from '../doc-store.js';
import { isErrno, readFileOrNull } from './fs-util.js';
import { decodeLog } from './log-format.js';
import { META_FILE } from './meta-file.js';
import { CORRUPT_SUFFIX, decodeSnapshot, parseGenFileName, TMP_SUFFIX, type GenFile } from './snapshot-file.js';

export interface ScanResult {
  stored: StoredDoc;
  /** Generation appends go to: the highest generation of any snapshot or log file (0 when there is none). */
  generation: number;
  /** Valid length of `log.<generation>` after repair (0 when it does not exist yet). */
  currentLogBytes: number;
  /** Generation of the snapshot `stored.snapshot` came from, or null. */
  baseSnapshot: number | null;
  /** [D10] Snapshots newer than the base that failed their checks. */
  corruptSnapshots: string[];
  /** [D10] Whether loading started from a whole state (see DocLogState.complete). */
  complete: boolean;
}

export interface ScanOptions {
  dir: string;
  docId: string;
  logger: StoreLogger;
  /** Delete leftover `snapshot.<N>.tmp` files — only safe when no compaction of this doc is running. */
  removeTmp: boolean;
}

/** Reads and repairs a document directory. Null when the document does not exist (no meta.json). */
export async function scanDocDir({ dir, docId, logger, removeTmp }: ScanOptions): Promise<ScanResult | null> {
  let names: string[];
  try {
    // Synchronously: a document's directory holds a handful of names (see readMetaFile).
    names = readdirSync(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
  if (!names.includes(META_FILE)) return null;

  const snapshots: GenFile[] = [];
  const logs: GenFile[] = [];
  let generation = 0;
  for (const name of names) {
    if (name.endsWith(TMP_SUFFIX)) {
      // Only snapshot/log temp files; meta.json.tmp belongs to the meta writer and is simply overwritten.
      if (removeTmp && parseGenFileName(name.slice(0, -TMP_SUFFIX.length))) {
        logger.info({ docId, file: name }, 'removing leftover temporary file');
        await unlinkIfPresent(join(dir, name));
      }
      continue;
    }
    const file = parseGenFileName(name);
    if (!file) continue;
    (file.kind === 'snapshot' ? snapshots : logs).push(file);
    generation = Math.max(generation, file.generation);
  }
  snapshots.sort((a, b) => b.generation - a.generation);
  logs.sort((a, b) => a.generation - b.generation);

  let snapshot: Uint8Array | null = null;
  let baseSnapshot: number | null = null;
  const corruptSnapshots: string[] = [];
  for (const file of snapshots) {
    const bytes = await readFileOrNull(join(dir, file.name));
    if (!bytes) continue;
    const decoded = decodeSnapshot(bytes, file.generation);
    if (decoded.ok) {
      snapshot = decoded.payload;
      baseSnapshot = file.generation;
      break;
    }
    corruptSnapshots.push(file.name);
    logger.warn(
      { docId, file: file.name, problem: decoded.problem },
      'corrupt snapshot ignored; falling back to the previous snapshot and the logs after it',
    );
  }
  // [D10] Without a good snapshot, the logs hold the whole document only if they start at log.0 and no
  // snapshot was ever needed (a corrupt one with log.0 still there: a compaction that stopped before its
  // deletions).
  const complete = baseSnapshot !== null || (logs.length === 0 ? snapshots.length === 0 : logs[0]!.generation === 0);
  if (!complete) {
    logger.error(
      { docId, corrupt: corruptSnapshots },
      'no valid snapshot to start from; replaying the remaining logs only (content is missing; run tandem fsck)',
    );
  }

  const from = baseSnapshot ?? 0;
  const log: Uint8Array[] = [];
  let logBytes = 0;
  let currentLogBytes = 0;
  for (const file of logs) {
    if (file.generation < from) continue;
    const path = join(dir, file.name);
    const bytes = await readFileOrNull(path);
    if (!bytes) continue;
    const decoded = decodeLog(bytes);
    if (decoded.droppedBytes > 0) {
      logger.warn(
        {
          docId,
          file: file.name,
          droppedBytes: decoded.droppedBytes,
          keptBytes: decoded.validBytes,
          keptRecords: decoded.records.length,
          problem: decoded.problem,
        },
        'torn or corrupt log tail dropped; keeping the valid prefix',
      );
      await truncateFile(path, decoded.validBytes);
    }
    log.push(...decoded.records);
    logBytes += decoded.payloadBytes;
    if (file.generation === generation) currentLogBytes = decoded.validBytes;
  }

  return { stored: { snapshot, log, logBytes }, generation, currentLogBytes, baseSnapshot, corruptSnapshots, complete };
}

/** Cuts a file back to `length` and makes that durable, so later appends never land after garbage. */
export async function truncateFile(path: string, length: number): Promise<void> {
  const handle = await open(path, fsConstants.O_RDWR);
  try {
    await handle.truncate(length);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

export async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
}

/**
 * [D10] Renames `dir/name` to `<name>.corrupt` (or `<name>.corrupt.<n>` when that is taken: an earlier one is
 * never overwritten) and returns the new name. The caller fsyncs the directory.
 */
export async function renameAside(dir: string, name: string): Promise<string> {
  for (let n = 0; ; n++) {
    const aside = `${name}${CORRUPT_SUFFIX}${n === 0 ? '' : `.${n}`}`;
    try {
      await access(join(dir, aside));
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
      await rename(join(dir, name), join(dir, aside));
      return aside;
    }
  }
}
