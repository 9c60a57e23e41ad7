/**
 * `tandem migrate --to pg --database-url <url>` / `--to file --data-dir <dir>` [CLI6]: copies every document
 * of the configured store (metadata, content, history, versions) into the other kind of store, then reads
 * both sides again and compares them document by document: the Yjs state (`encodeStateAsUpdate` of each),
 * the metadata, every history entry and every version. Prints one summary line per document that differs.
 * The target must hold no document unless `--force`. Stop the server first: what it writes after a document
 * was copied would not be in the copy.
 */
import { DocExistsError } from '../storage/doc-store.js';
import { CommandFailed, flag, parseArgs, positionals, UsageError } from './args.js';
import type { CommandContext } from './context.js';
import { diffDumps, writeDump } from './dump.js';
import {
  allIds,
  configuredLocation,
  describeLocation,
  isEmptyStore,
  openReader,
  openWritableStore,
  type StoreLocation,
} from './stores.js';

export const migrateUsage =
  'tandem migrate --to pg --database-url <url> | --to file --data-dir <dir> [--force]   copy every document, then verify';

function targetOf(args: ReturnType<typeof parseArgs>): StoreLocation {
  const to = flag(args, 'to');
  const databaseUrl = flag(args, 'database-url');
  const dataDir = flag(args, 'data-dir');
  if (to === 'pg' || to === 'postgres') {
    if (!databaseUrl || dataDir) throw new UsageError('--to pg needs --database-url <url> (and no --data-dir)');
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new UsageError('--database-url must be a postgres:// URL');
    return { kind: 'postgres', databaseUrl };
  }
  if (to === 'file') {
    if (!dataDir || databaseUrl) throw new UsageError('--to file needs --data-dir <dir> (and no --database-url)');
    return { kind: 'file', dataDir };
  }
  throw new UsageError('--to must be pg or file');
}

export async function migrate(argv: readonly string[], { config, out }: CommandContext): Promise<void> {
  const args = parseArgs(argv, ['to', 'database-url', 'data-dir'], ['force']);
  positionals(args, []);
  const target = targetOf(args);
  const source = configuredLocation(config);
  if (source.kind === target.kind && JSON.stringify(source) === JSON.stringify(target)) {
    throw new UsageError('the target is the configured store itself');
  }

  const reader = await openReader(source);
  const store = await openWritableStore(target).catch(async (err: unknown) => {
    await reader.close();
    throw err;
  });
  const copied: string[] = [];
  const problems: string[] = [];
  try {
    if (!args.flags.has('force') && !(await isEmptyStore(store))) {
      throw new UsageError(`${describeLocation(target)} already holds documents; migrate into an empty store, or pass --force`);
    }
    const ids = await allIds(reader);
    for (const [i, id] of ids.entries()) {
      out.progress('copy', i, ids.length);
      const read = await reader.read(id);
      if (!read) continue;
      if (!read.dump) {
        problems.push(`${id}: not copied, its metadata is unreadable`);
        continue;
      }
      try {
        await writeDump(store, read.dump);
        copied.push(id);
      } catch (err) {
        if (!(err instanceof DocExistsError)) throw err;
        problems.push(`${id}: already exists in the target; left as it is`);
      }
    }
    out.endProgress();
  } finally {
    await store.close();
    await reader.close();
  }

  // Verify: both sides read afresh (the source again, the target as a server would load it).
  const from = await openReader(source);
  const to = await openReader(target);
  try {
    for (const [i, id] of copied.entries()) {
      out.progress('verify', i, copied.length);
      const expected = await from.read(id);
      const actual = await to.read(id);
      if (!expected?.dump) continue;
      const diff = diffDumps(expected.dump, actual?.dump ?? null);
      if (diff.length > 0) problems.push(`${id}: differs after migration: ${diff.join(', ')}`);
    }
    out.endProgress();
  } finally {
    await Promise.all([from.close(), to.close()]);
  }
  for (const line of problems) out.problem(line);
  out.result(`migrated ${copied.length} documents from ${describeLocation(source)} to ${describeLocation(target)}; verified ${copied.length - problems.filter((p) => p.includes('differs')).length} identical`);
  if (problems.length > 0) throw new CommandFailed(`${problems.length} problems`);
}
