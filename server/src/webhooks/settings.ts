import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Splits `WEBHOOK_URL` (comma-separated) into its receivers. */
export const webhookUrls = (value: string): string[] =>
  value
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);

const isHttpUrl = (url: string): boolean => {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
};

/** The webhook settings [WH1], spread into the server's config schema. */
export const webhookSettings = {
  /** Receivers of the events, comma-separated http(s) URLs; empty: no webhooks. */
  WEBHOOK_URL: z
    .string()
    .default('')
    .refine((value) => webhookUrls(value).every(isHttpUrl), 'must be comma-separated http:// or https:// URLs')
    .transform(webhookUrls),
  /** Key of the HMAC-SHA256 signature on every delivery; required with WEBHOOK_URL. */
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** One delivery attempt gives up after this long. */
  WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** A failing delivery is retried with backoff for this long, then counted as failed. */
  WEBHOOK_RETRY_FOR_MS: int(0, 86_400_000).default(3_600_000),
  /** `document.updated` is sent at most once per document per this many ms (changes in between are folded in). */
  WEBHOOK_DEBOUNCE_MS: int(0, 3_600_000).default(5_000),
  /** Deliveries waiting per receiver; past it the oldest is dropped (and counted). */
  WEBHOOK_QUEUE_SIZE: int(1, 1_000_000).default(1_000),
};

/** [WH1] The cross-field rule: signing is not optional. Returns the error line, or null when consistent. */
export function webhookConfigProblem(c: { WEBHOOK_URL: string[]; WEBHOOK_SECRET?: string | undefined }): string | null {
  if (c.WEBHOOK_URL.length > 0 && !c.WEBHOOK_SECRET) {
    return 'WEBHOOK_SECRET: required with WEBHOOK_URL (every delivery is signed with it)';
  }
  return null;
}
