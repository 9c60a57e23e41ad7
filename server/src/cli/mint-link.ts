/**
 * `tandem mint-link <id> --scope view|comment|edit [--expires 7d]` [CLI7]: prints a share link for a
 * document at its current link generation, signed with the server's secret (SECRET, SECRET_FILE, or the
 * secret the server generated in DATA_DIR) under PUBLIC_URL. The document is read, never written.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isScope } from '@tandem/common';
import { signToken } from '../auth/tokens.js';
import { isErrno } from '../storage/file/fs-util.js';
import { isValidDocId } from '../storage/doc-store.js';
import { CommandFailed, flag, parseArgs, positionals, UsageError } from './args.js';
import type { CommandContext } from './context.js';
import { configuredLocation, openReader } from './stores.js';

export const mintLinkUsage = 'tandem mint-link <id> --scope view|comment|edit [--expires 7d]   print a share link';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `90s`, `15m`, `12h`, `7d`, `2w` → seconds. */
export function parseDuration(text: string): number | null {
  const match = /^([1-9][0-9]{0,6})([smhdw])$/.exec(text);
  return match ? Number(match[1]) * UNIT_SECONDS[match[2]!]! : null;
}

export async function mintLink(argv: readonly string[], { config, out }: CommandContext): Promise<void> {
  const args = parseArgs(argv, ['scope', 'expires']);
  const [id] = positionals(args, ['id']);
  if (!isValidDocId(id!)) throw new UsageError(`invalid document id ${JSON.stringify(id)}`);
  const scope = flag(args, 'scope');
  if (!isScope(scope)) throw new UsageError('--scope must be view, comment or edit');
  const expires = flag(args, 'expires');
  const seconds = expires === undefined ? undefined : parseDuration(expires);
  if (seconds === null) throw new UsageError('--expires must look like 90s, 15m, 12h, 7d or 2w');
  if (!config.PUBLIC_URL) throw new UsageError('PUBLIC_URL: set it to the address people open (the link is built from it)');

  const reader = await openReader(configuredLocation(config));
  let generation: number;
  try {
    const read = await reader.read(id!);
    if (!read?.dump) throw new CommandFailed(`${id}: no such document`);
    generation = read.dump.meta.linkGeneration;
  } finally {
    await reader.close();
  }
  const secret = await readSecret(config.SECRET, config.DATA_DIR);
  const now = new Date();
  const token = await signToken(
    secret,
    { docId: id!, scope, generation, ...(seconds === undefined ? {} : { expiresAt: Math.floor(now.getTime() / 1000) + seconds }) },
    now,
  );
  out.result(`${config.PUBLIC_URL}/d/${id}#token=${token}`);
}

/** Like secret.ts's resolveSecret, but never generates one: a new secret would sign links nobody accepts. */
async function readSecret(configured: string | undefined, dataDir: string): Promise<Uint8Array> {
  if (configured) return new TextEncoder().encode(configured);
  try {
    return new TextEncoder().encode((await readFile(join(dataDir, 'secret'), 'utf8')).trim());
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new CommandFailed(`no SECRET configured and no generated secret in ${dataDir}: start the server once, or set SECRET`);
    throw err;
  }
}
