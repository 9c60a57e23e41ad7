import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '../logger.js';

/**
 * Gives memory back after documents close.
 *
 * Measured (bench churn: 1,000 documents opened, edited and closed, 20 at a time): afterwards the live heap
 * is back at its baseline, but V8 runs no full collection while the process is quiet, so the dead rooms'
 * old-space pages stay mapped and RSS stays ~40 % above where it started for as long as nothing else
 * allocates. Collecting at the right moments returns it (RSS back to its baseline, and a lower peak):
 *
 * - When the last open document unloads, nobody is in a room: a full collection pauses no one, and the
 *   live heap is at its smallest, so it is cheap (milliseconds). A second one follows once it is quiet.
 * - On a server that is never empty, after a wave: once many documents have unloaded and open ones have
 *   fallen to a quarter of their peak, collect once when unloading has paused — but never on a big live
 *   heap (a forced collection stops the event loop for time proportional to it), and at most once a minute.
 */

/** Wait this long for the server to stay empty before collecting. */
const EMPTY_QUIET_MS = 1_000;
const EMPTY_MIN_INTERVAL_MS = 2_000;
/**
 * Collect once more this long after that, if the server is still empty. Measured (bench churn): one
 * collection right after the burst leaves RSS 14–18 % above its baseline — V8 keeps the pages it was still
 * sweeping and its grown young generation — and a second one once it has been quiet brings it to 5–6 %.
 */
const EMPTY_SETTLE_MS = 3_000;
/** Unloads since the last collection before a wave is worth collecting. */
const WAVE_MIN_UNLOADS = 100;
/** A wave has passed when open documents have fallen to this fraction of their peak. */
const WAVE_OPEN_FRACTION = 0.25;
/** Wait this long after the last unload (plus the rooms' idle time) so a wave is collected once, when it is over. */
const WAVE_QUIET_MS = 1_000;
const WAVE_MIN_INTERVAL_MS = 60_000;
/** Above this live heap a forced collection would pause every peer too long; V8 will get to it itself. */
const WAVE_MAX_HEAP_BYTES = 256 * 1024 * 1024;

/** V8's collector as a function, enabled at run time so that `node server/dist/main.js` needs no flag. */
function exposeCollector(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

export interface MemoryReturnOptions {
  roomIdleMs: number;
  /** True while no document is open or loading. */
  isEmpty: () => boolean;
  /** Tests inject a spy; production uses V8's collector. */
  collect?: () => void;
}

/**
 * [U4] Process-wide, not a room concern: told by the registry's 'loaded' and 'unloaded' events (wired in
 * server.ts) how many documents are open, it runs a full collection when the server empties or a wave passes.
 */
export class MemoryReturn {
  private unloads = 0;
  private peakOpen = 0;
  private lastCollection = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  /** Undefined until a document first unloads: exposing the collector builds a V8 context (~7 ms, ~2 MB). */
  private collector: (() => void) | null | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly options: MemoryReturnOptions,
  ) {
    this.collector = options.collect;
  }

  private get collect(): (() => void) | null {
    if (this.collector === undefined) this.collector = exposeCollector();
    return this.collector;
  }

  /** A document opened; `open` is how many are open now. */
  loaded(open: number): void {
    this.peakOpen = Math.max(this.peakOpen, open);
  }

  /** A document unloaded; `open` is how many are left. */
  unloaded(open: number): void {
    this.unloads++;
    this.cancel();
    if (!this.collect) return;
    if (this.options.isEmpty()) {
      this.schedule(EMPTY_QUIET_MS, () => {
        if (!this.options.isEmpty() || !this.run('empty', EMPTY_MIN_INTERVAL_MS)) return;
        this.schedule(EMPTY_SETTLE_MS, () => this.options.isEmpty() && this.run('settle', 0));
      });
    } else if (this.unloads >= WAVE_MIN_UNLOADS && open <= this.peakOpen * WAVE_OPEN_FRACTION) {
      this.schedule(this.options.roomIdleMs + WAVE_QUIET_MS, () => {
        if (process.memoryUsage().heapUsed <= WAVE_MAX_HEAP_BYTES) this.run('wave', WAVE_MIN_INTERVAL_MS);
      });
    }
  }

  stop(): void {
    this.cancel();
  }

  private schedule(ms: number, fn: () => void): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      fn();
    }, ms);
    this.timer.unref();
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Collects unless the last collection was under `minIntervalMs` ago; true if it did. */
  private run(reason: 'empty' | 'settle' | 'wave', minIntervalMs: number): boolean {
    const now = Date.now();
    if (now - this.lastCollection < minIntervalMs) return false;
    const started = performance.now();
    this.collect!();
    this.lastCollection = now;
    this.logger.debug({ reason, unloads: this.unloads, ms: Math.round(performance.now() - started) }, 'returned memory after documents closed');
    this.unloads = 0;
    this.peakOpen = 0;
    return true;
  }
}
