/** The CLI's argument parsing: positionals and `--flag value` / `--flag=value` / boolean `--flag`. */

/** A mistake in how the command was called: exit code 2 [CLI1]. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A run that found problems or could not finish: exit code 1, the message already says what. */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

/**
 * Parses `argv` against the flags a command knows: `valued` take a value, `booleans` do not. Anything else
 * is a usage error, so a typo never silently changes what a command does.
 */
export function parseArgs(argv: readonly string[], valued: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (booleans.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else if (valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positionals, flags };
}

/** The value of a valued flag, or undefined. */
export function flag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** Exactly `count` positionals, named for the message. */
export function positionals(args: ParsedArgs, names: readonly string[]): string[] {
  if (args.positionals.length !== names.length) {
    throw new UsageError(names.length === 0 ? `unexpected argument ${args.positionals[0]}` : `expected ${names.map((n) => `<${n}>`).join(' ')}`);
  }
  return args.positionals;
}
