#!/usr/bin/env node
/**
 * `tandem` — the operator's command line [CLI1]: backup, restore, fsck, migrate, mint-link. It reads the
 * same configuration as the server (environment variables, `*_FILE` variants, DATA_DIR, DATABASE_URL).
 * Exit codes: 0 done and nothing wrong, 1 problems found or the command failed, 2 usage or configuration
 * error. Results go to stdout; problems to stderr, one line each.
 */
import { ConfigError, loadConfig } from '../config.js';
import { CommandFailed, UsageError } from './args.js';
import { ArchiveError } from './archive.js';
import { backup, backupUsage } from './backup.js';
import type { CommandContext } from './context.js';
import { fsck, fsckUsage } from './fsck.js';
import { migrate, migrateUsage } from './migrate.js';
import { mintLink, mintLinkUsage } from './mint-link.js';
import { consoleOutput, type Output } from './output.js';
import { restore, restoreUsage } from './restore.js';

type Command = (argv: readonly string[], context: CommandContext) => Promise<void>;

const COMMANDS: Record<string, Command> = { backup, restore, fsck, migrate, 'mint-link': mintLink };

const USAGE = [
  'usage:',
  `  ${backupUsage}`,
  `  ${restoreUsage}`,
  `  ${fsckUsage}`,
  `  ${migrateUsage}`,
  `  ${mintLinkUsage}`,
  'The store is the one the server is configured with: DATABASE_URL if set, else DATA_DIR (default ./data).',
].join('\n');

/** Runs one command line; resolves to the exit code. Exported for in-process use; the bin calls it below. */
export async function run(argv: readonly string[], env: Record<string, string | undefined>, out: Output = consoleOutput()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    out.problem(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    out.problem(`tandem: unknown command ${JSON.stringify(name)}\n${USAGE}`);
    return 2;
  }
  try {
    const config = loadConfig(env);
    await command(rest, { config, out });
    return 0;
  } catch (err) {
    out.endProgress();
    if (err instanceof UsageError) {
      out.problem(`tandem ${name}: ${err.message}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      out.problem(`tandem: invalid configuration: ${err.message}`);
      return 2;
    }
    if (err instanceof CommandFailed || err instanceof ArchiveError) {
      out.problem(`tandem ${name}: ${err.message}`);
      return 1;
    }
    out.problem(`tandem ${name}: failed: ${(err as Error).message ?? String(err)}`);
    return 1;
  }
}

run(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tandem: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
