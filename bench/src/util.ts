import { createHash } from 'node:crypto';

/** Wall-clock milliseconds comparable across the processes of this machine (sub-ms resolution). */
export const now = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function sha1(data: string | Uint8Array): string {
  return createHash('sha1').update(data).digest('hex').slice(0, 16);
}

/** Waits for `test()` to become true, polling; rejects after `timeoutMs`. Always bounded. */
export async function waitFor(test: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return out;
}

/**
 * Log-bucketed latency histogram (1 % relative resolution, 1 µs … 100 s), mergeable across processes —
 * a few KB however many samples, so the hot-document run can record every delivery.
 */
export class Histogram {
  static readonly FACTOR = 1.01;
  static readonly BUCKETS = 1900;
  counts: number[];
  count = 0;
  sumMs = 0;
  maxMs = 0;

  constructor(counts?: number[]) {
    this.counts = counts ?? new Array<number>(Histogram.BUCKETS).fill(0);
  }

  record(ms: number): void {
    const us = Math.max(1, ms * 1000);
    const i = Math.min(Histogram.BUCKETS - 1, Math.floor(Math.log(us) / Math.log(Histogram.FACTOR)));
    this.counts[i]! += 1;
    this.count++;
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  merge(other: HistogramJSON): void {
    for (let i = 0; i < Histogram.BUCKETS; i++) this.counts[i]! += other.counts[i] ?? 0;
    this.count += other.count;
    this.sumMs += other.sumMs;
    this.maxMs = Math.max(this.maxMs, other.maxMs);
  }

  /** The q-quantile in ms (bucket's geometric middle), NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < Histogram.BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.maxMs, Histogram.FACTOR ** (i + 0.5) / 1000);
    }
    return this.maxMs;
  }

  toJSON(): HistogramJSON {
    return { counts: this.counts, count: this.count, sumMs: this.sumMs, maxMs: this.maxMs };
  }

  static from(json: HistogramJSON): Histogram {
    const h = new Histogram();
    h.merge(json);
    return h;
  }
}

export interface HistogramJSON {
  counts: number[];
  count: number;
  sumMs: number;
  maxMs: number;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
