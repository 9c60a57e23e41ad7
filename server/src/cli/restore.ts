/**
 * `tandem restore <file> [--force]` [CLI4]: writes every document of an archive into the configured store,
 * which must hold no document (unless `--force`: then documents already there are refused one by one and
 * reported), and reads each one back to check it equals the archive. The archive is checked whole before
 * anything is written. Run it with the server stopped.
 */
import { DocExistsError } from '../storage/doc-store.js';
import { CommandFailed, parseArgs, positionals, UsageError } from './args.js';
import { readArchive } from './archive.js';
import type { CommandContext } from './context.js';
import { diffDumps, writeDump } from './dump.js';
import { configuredLocation, describeLocation, isEmptyStore, openReader, openWritableStore } from './stores.js';

export const restoreUsage = 'tandem restore <file> [--force]   write an archive into an empty store, then verify';

export async function restore(argv: readonly string[], { config, out }: CommandContext): Promise<void> {
  const args = parseArgs(argv, [], ['force']);
  const [file] = positionals(args, ['file']);
  const location = configuredLocation(config);
  // A whole pass over the archive before writing anything: a damaged archive leaves the store untouched.
  let total = 0;
  for await (const _ of readArchive(file!)) out.progress('check archive', ++total, null);
  out.endProgress();
  const store = await openWritableStore(location);
  const written = new Set<string>();
  const problems: string[] = [];
  try {
    if (!args.flags.has('force') && !(await isEmptyStore(store))) {
      throw new UsageError(`${describeLocation(location)} already holds documents; restore into an empty store, or pass --force`);
    }
    let n = 0;
    for await (const dump of readArchive(file!)) {
      out.progress('restore', ++n, total);
      try {
        await writeDump(store, dump);
        written.add(dump.meta.id);
      } catch (err) {
        if (!(err instanceof DocExistsError)) throw err;
        problems.push(`${dump.meta.id}: already exists; left as it is`);
      }
    }
    out.endProgress();
  } finally {
    await store.close();
  }
  // Verify through the read-only reader: what a server would load now.
  const reader = await openReader(location);
  try {
    let n = 0;
    for await (const dump of readArchive(file!)) {
      if (!written.has(dump.meta.id)) continue;
      out.progress('verify', ++n, written.size);
      const back = await reader.read(dump.meta.id);
      const diff = diffDumps(dump, back?.dump ?? null);
      if (diff.length > 0) problems.push(`${dump.meta.id}: restored copy differs: ${diff.join(', ')}`);
    }
    out.endProgress();
  } finally {
    await reader.close();
  }
  for (const line of problems) out.problem(line);
  out.result(`restored ${written.size} documents into ${describeLocation(location)}`);
  if (problems.length > 0) throw new CommandFailed(`${problems.length} problems`);
}
