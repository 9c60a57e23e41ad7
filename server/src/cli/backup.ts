/**
 * `tandem backup <file>` [CLI2][CLI3]: every document of the configured store — metadata, content, history
 * and versions — into one archive (archive.ts), while servers keep running. Each document is its state at
 * the moment it was read (PostgreSQL: all documents at one moment, the transaction's snapshot).
 */
import { parseArgs, positionals, CommandFailed } from './args.js';
import { ArchiveWriter } from './archive.js';
import type { CommandContext } from './context.js';
import { allIds, configuredLocation, describeLocation, openReader } from './stores.js';

export const backupUsage = 'tandem backup <file>        archive every document (safe while the server runs)';

export async function backup(argv: readonly string[], { config, out }: CommandContext): Promise<void> {
  const [file] = positionals(parseArgs(argv, []), ['file']);
  const location = configuredLocation(config);
  const reader = await openReader(location);
  const writer = new ArchiveWriter(file!);
  let finished = false;
  try {
    await writer.ready();
    const ids = await allIds(reader);
    let skipped = 0;
    for (const [i, id] of ids.entries()) {
      out.progress('backup', i, ids.length);
      const read = await reader.read(id);
      // Deleted since it was listed: nothing to keep.
      if (!read) continue;
      for (const damage of read.damage) {
        // A torn tail is the record a running server is writing right now: not worth a line.
        if (damage.kind !== 'torn-tail') out.problem(`${id}: ${damage.file}: ${damage.detail} (backed up what verifies)`);
      }
      if (!read.dump) {
        out.problem(`${id}: skipped, its metadata is unreadable`);
        skipped++;
        continue;
      }
      await writer.addDoc(read.dump);
    }
    out.endProgress();
    const { documents } = await writer.finish();
    finished = true;
    out.result(`backed up ${documents} documents from ${describeLocation(location)} to ${file}`);
    if (skipped > 0) throw new CommandFailed(`${skipped} documents could not be backed up`);
  } finally {
    if (!finished) await writer.abort();
    await reader.close();
  }
}
