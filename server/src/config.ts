import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { IDENTITY_FILE_SETTINGS, identitySettings, resolveIdentity, type IdentityConfig } from './auth/identity-config.js';
import { compileProxyTrust } from './transport/client-address.js';
import { webhookConfigProblem, webhookSettings } from './webhooks/settings.js';

/**
 * Every setting the server reads, validated once at start-up. Each comes from an environment variable or a
 * CLI flag of the same name (`--port 4000` or `--PORT=4000`); flags win. An invalid value stops start-up
 * with one line naming the variable.
 */

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const MiB = 1024 * 1024;

const schema = z.object({
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Group commit: the longest an acknowledged update waits for fsync. 0 = fsync before acknowledging. */
  FSYNC_INTERVAL_MS: int(0, 10_000).default(1000),
  MAX_MESSAGE_BYTES: int(1024, 512 * MiB).default(32 * MiB),
  MAX_DOC_BYTES: int(1024, 4096 * MiB).default(128 * MiB),
  /**
   * [IM3] Largest content one import or write request may carry (UTF-8 bytes of `content`, or the uploaded file).
   * Parsing runs on the event loop: 1 MiB of Markdown costs ~1.3 s of CPU, of HTML ~2.5 s (measured on a busy
   * 2-core machine), so the default keeps one import to a few seconds.
   */
  IMPORT_MAX_BYTES: int(1024, 1024 * MiB).default(2 * MiB),
  MAX_CONNECTIONS: int(1, 1_000_000).default(10_000),
  MAX_CONNECTIONS_PER_DOC: int(1, 100_000).default(250),
  /** Sockets from one remote address (behind a proxy that is the proxy: raise it there). */
  MAX_CONNECTIONS_PER_IP: int(1, 1_000_000).default(256),
  /** Documents held in memory at once; opening one more is refused until others unload. */
  MAX_OPEN_DOCS: int(1, 1_000_000).default(10_000),
  /** Bytes queued to one socket that it has not read; past this the reader is too slow and is dropped. */
  MAX_BUFFERED_BYTES: int(64 * 1024, 4096 * MiB).default(256 * MiB),
  /** Sustained messages per second one connection may send; bursts up to twice that are allowed. */
  MAX_MESSAGES_PER_SECOND: int(1, 1_000_000).default(500),
  /** How long a room with no connections stays in memory before its final write and unload. */
  ROOM_IDLE_MS: int(0, 3_600_000).default(2000),
  /** [UP1] The largest image one upload may be. */
  UPLOAD_MAX_BYTES: int(1024, 1024 * MiB).default(10 * MiB),
  /** [UP9] The most bytes of uploads one document may hold (its images summed). */
  UPLOAD_DOC_MAX_BYTES: int(1024, 1024 * 1024 * MiB).default(500 * MiB),
  /** [UP9] The most distinct uploads one document may hold. */
  UPLOAD_DOC_MAX_FILES: int(1, 1_000_000).default(1000),
  /** Compact a document's log into a snapshot once the log holds this many bytes. */
  COMPACT_AFTER_BYTES: int(1024, 1024 * MiB).default(4 * MiB),
  /** [HI1] Keep every past state, who wrote what, and versions. `off` lets Yjs collect deleted content. */
  HISTORY: z.enum(['on', 'off']).default('on'),
  /** [HI4] An automatic version once editing pauses this long… */
  HISTORY_IDLE_MS: int(100, 86_400_000).default(30_000),
  /** …and at least this often while it goes on. */
  HISTORY_MAX_INTERVAL_MS: int(1000, 86_400_000).default(300_000),
  /** [HI4] Automatic versions older than this many days are thinned to one per day; 0 keeps them all. */
  HISTORY_THIN_AFTER_DAYS: int(0, 36_500).default(0),
  PING_INTERVAL_MS: int(100, 600_000).default(30_000),
  /** Comma-separated allowed `Origin`s for sockets; empty allows any (tokens are what protect documents). */
  ALLOWED_ORIGINS: z.string().default(''),
  /**
   * Reverse proxies whose `X-Forwarded-For` is believed (addresses, CIDRs, `loopback`…, comma-separated);
   * per-address limits and logs then see real clients. Empty: the TCP peer is the client.
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .refine((value) => {
      try {
        compileProxyTrust(value);
        return true;
      } catch {
        return false;
      }
    }, 'must be comma-separated IP addresses, CIDR ranges, or loopback/linklocal/uniquelocal'),
  /** When set, `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** PostgreSQL connection string: documents live there instead of DATA_DIR (required for several instances). */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Most pooled PostgreSQL connections per instance. */
  DATABASE_POOL_SIZE: int(1, 1000).default(10),
  /** Redis connection string: instances relay updates and presence to each other through it. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** [ID] Sign-in, who creates documents, links for signed-in people only. */
  ...identitySettings,
  ...webhookSettings,
});

export type Config = Omit<z.infer<typeof schema>, 'PUBLIC_URL' | 'ALLOWED_ORIGINS' | keyof typeof identitySettings> & {
  PUBLIC_URL: string;
  ALLOWED_ORIGINS: string[];
} & IdentityConfig;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads `--NAME value`, `--NAME=value` and `--name value` flags into an env-shaped record. */
function flagsToEnv(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const name = rawName.replace(/-/g, '_').toUpperCase();
    const value = inline ?? argv[i + 1];
    if (value === undefined) throw new ConfigError(`${name}: missing value for --${rawName}`);
    if (inline === undefined) i++;
    out[name] = value;
  }
  return out;
}

/** Secrets that may come from a file instead (`SECRET_FILE=/run/secrets/tandem`): Docker and Kubernetes secrets. */
const FILE_SETTINGS = ['SECRET', 'DATABASE_URL', 'REDIS_URL', 'METRICS_TOKEN', 'WEBHOOK_SECRET', ...IDENTITY_FILE_SETTINGS] as const;

/** Replaces each `<NAME>_FILE` by `<NAME>` read from that file (one trailing newline dropped). */
function readSettingFiles(merged: Record<string, string | undefined>): void {
  for (const name of FILE_SETTINGS) {
    const path = merged[`${name}_FILE`];
    if (!path) continue;
    if (merged[name]) throw new ConfigError(`${name}_FILE: set ${name} or ${name}_FILE, not both`);
    try {
      merged[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new ConfigError(`${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
}

/** Validates the environment (and CLI flags) into a Config, or throws a one-line ConfigError. */
export function loadConfig(env: Record<string, string | undefined>, argv: readonly string[] = []): Config {
  const merged: Record<string, string | undefined> = { ...env, ...flagsToEnv(argv) };
  readSettingFiles(merged);
  // Treat empty strings as unset so `PORT= npm start` falls back to the default.
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, merged[key] === '' ? undefined : merged[key]]),
  );
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  const c = parsed.data;
  if (c.REDIS_URL && !c.DATABASE_URL) {
    // Remote updates are not stored again by the instances that receive them: they must share one store.
    throw new ConfigError('REDIS_URL: needs DATABASE_URL too, so that every instance reads and writes the same documents');
  }
  const webhookProblem = webhookConfigProblem(c);
  if (webhookProblem) throw new ConfigError(webhookProblem);
  const identity = resolveIdentity(c);
  if (Array.isArray(identity)) throw new ConfigError(`${identity[0]}: ${identity[1]}`);
  const { OIDC_ISSUER: _i, OIDC_CLIENT_ID: _c, OIDC_CLIENT_SECRET: _s, ...rest } = c;
  return {
    ...rest,
    ...identity,
    // With PORT=0 the real port is known only after listening; '' tells the server to fill it in then.
    PUBLIC_URL: (c.PUBLIC_URL ?? (c.PORT === 0 ? '' : `http://localhost:${c.PORT}`)).replace(/\/+$/, ''),
    ALLOWED_ORIGINS: c.ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
  };
}
