/**
 * `tandem fsck [--repair]` [CLI5]: checks every document of the configured store and reports, per document,
 * each damaged file: log records failing their checksum, torn tails, snapshots that fail their checksum or
 * do not apply in Yjs, unreadable history and version records (PostgreSQL: every snapshot and log row must
 * apply, every version snapshot decode). Read-only, so safe while the server runs.
 *
 * `--repair` (file store only, server stopped) does what start-up recovery does (recovery.ts, through the
 * file store itself): torn and corrupt tails are cut back to the records that verify; a damaged snapshot is
 * renamed to `<name>.corrupt` (kept for inspection, never read, never deleted) and, when an older generation
 * still holds the whole document, the document is compacted from it so a good snapshot is newest again
 * [D10]. With no older generation left, nothing is rebuilt: the document keeps its logs, fsck says so and
 * exits 1 (restore it from a backup). Repair never deletes a file and never compacts a partial document.
 */
import { join } from 'node:path';
import * as Y from 'yjs';
import { fsyncDir } from '../storage/file/fs-util.js';
import { renameAside } from '../storage/file/recovery.js';
import { FileStore } from '../storage/file/store.js';
import { CommandFailed, parseArgs, positionals, UsageError } from './args.js';
import type { CommandContext } from './context.js';
import { FileStoreReader, type Damage } from './file-reader.js';
import { allIds, configuredLocation, describeLocation, openReader } from './stores.js';

export const fsckUsage = 'tandem fsck [--repair]      check every document; --repair cuts damage as recovery does (server stopped)';

export async function fsck(argv: readonly string[], { config, out }: CommandContext): Promise<void> {
  const args = parseArgs(argv, [], ['repair']);
  positionals(args, []);
  const location = configuredLocation(config);
  const repair = args.flags.has('repair');
  if (repair && location.kind !== 'file') {
    throw new UsageError('--repair works on a file store; PostgreSQL keeps whole rows (damage there needs the database tools)');
  }
  const found = await check(location, out);
  const damaged = [...found.values()].filter((d) => d.length > 0).length;
  if (!repair || location.kind !== 'file') {
    out.result(`checked ${found.size} documents in ${describeLocation(location)}: ${damaged === 0 ? 'no damage' : `${damaged} damaged`}`);
    if (damaged > 0) throw new CommandFailed(`${damaged} damaged documents`);
    return;
  }
  if (damaged === 0) {
    out.result(`checked ${found.size} documents in ${describeLocation(location)}: no damage, nothing to repair`);
    return;
  }
  await repairFileStore(location.dataDir, found, out);
  // Check again: what is left is what recovery cannot mend (e.g. an unreadable meta.json).
  const after = await check(location, out, 'after repair: ');
  const left = [...after.values()].filter((d) => d.length > 0).length;
  out.result(`repaired ${damaged - left} of ${damaged} damaged documents in ${describeLocation(location)}`);
  if (left > 0) throw new CommandFailed(`${left} documents still damaged`);
}

/** Reads every document, printing one line per damage; the damage per document id. */
async function check(location: Parameters<typeof openReader>[0], out: CommandContext['out'], prefix = ''): Promise<Map<string, Damage[]>> {
  const reader = await openReader(location);
  const found = new Map<string, Damage[]>();
  try {
    const ids = await allIds(reader);
    for (const [i, id] of ids.entries()) {
      out.progress('fsck', i, ids.length);
      const read = await reader.read(id);
      if (!read) continue;
      found.set(id, read.damage);
      for (const d of read.damage) out.problem(`${prefix}${id}: ${d.file}: ${d.kind}: ${d.detail}`);
    }
    out.endProgress();
  } finally {
    await reader.close();
  }
  return found;
}

/** Start-up recovery for each damaged document, through the file store (see the top of this file). */
async function repairFileStore(dataDir: string, found: Map<string, Damage[]>, out: CommandContext['out']): Promise<void> {
  const store = new FileStore({ dataDir, fsyncIntervalMs: 0 });
  const reader = new FileStoreReader(dataDir);
  try {
    for (const [id, damage] of found) {
      if (damage.length === 0) continue;
      // Loading scans the directory: torn/corrupt log tails are truncated to what verifies. Reading the
      // history and versions does the same for their files.
      // [D10] Damaged snapshots are moved aside first, so nothing below can read or delete them.
      const badSnapshots = damage.filter((d) => d.kind === 'corrupt-snapshot').map((d) => d.file);
      const dir = join(reader.docsDir, id);
      const renamed: string[] = [];
      for (const name of badSnapshots) renamed.push(`${name} renamed to ${await renameAside(dir, name)}`);
      if (renamed.length > 0) await fsyncDir(dir);
      const whole = !damage.some((d) => d.kind === 'missing-snapshot');
      const stored = await store.load(id);
      await store.readHistory(id);
      await store.listVersions(id);
      if (stored && badSnapshots.length > 0) {
        if (whole) {
          const doc = new Y.Doc({ gc: false });
          if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
          for (const update of stored.log) Y.applyUpdate(doc, update);
          await store.compact(id, () => Y.encodeStateAsUpdate(doc));
          doc.destroy();
        } else {
          out.problem(
            `${id}: ${renamed.join(', ')}; no older generation holds the whole document, so nothing was rebuilt: restore it from a backup`,
          );
        }
      }
      await store.release(id);
    }
  } finally {
    await store.close();
  }
}
