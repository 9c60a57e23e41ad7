/**
 * [CL5] Which other instances are alive, from their heartbeats. Pub/sub tells nobody when a subscriber dies:
 * without this, the carets of a SIGKILLed instance's peers would stay on every other instance until the
 * awareness timeout (30 s). Each instance publishes its id every `intervalMs`; one not heard from for
 * `deadAfterMs` is gone, and its peers' awareness is dropped everywhere.
 */
export interface InstanceWatchOptions {
  intervalMs: number;
  deadAfterMs: number;
  /** Publishes this instance's heartbeat (fire and forget). */
  beat(): void;
  /** True while this instance can hear the others: silence means nothing while it cannot. */
  listening(): boolean;
  gone(instanceId: string): void;
  /** Heard again after being declared gone (a long pause, a network split): its peers must be re-announced. */
  back(instanceId: string): void;
  now?: () => number;
}

/** Instances remembered as gone (for `back`); each restart is a new id, so the oldest are forgotten. */
const MAX_REMEMBERED_GONE = 1000;

export class InstanceWatch {
  private readonly lastHeard = new Map<string, number>();
  private readonly declaredGone = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly options: InstanceWatchOptions) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => this.tick(), options.intervalMs);
    this.timer.unref();
  }

  /** Any message from `instanceId` (a heartbeat or document traffic) proves it alive. */
  heard(instanceId: string): void {
    this.lastHeard.set(instanceId, this.now());
    if (this.declaredGone.delete(instanceId)) this.options.back(instanceId);
  }

  /** After this instance could not hear for a while: everyone gets a fresh grace period, nobody is declared gone for our deafness. */
  forgive(): void {
    const now = this.now();
    for (const id of this.lastHeard.keys()) this.lastHeard.set(id, now);
  }

  /** How many other instances are currently alive. */
  get alive(): number {
    return this.lastHeard.size;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    this.options.beat();
    if (!this.options.listening()) return;
    const cutoff = this.now() - this.options.deadAfterMs;
    for (const [id, at] of this.lastHeard) {
      if (at >= cutoff) continue;
      this.lastHeard.delete(id);
      // Remembered so that a late heartbeat (the instance was only paused) re-announces its peers.
      this.declaredGone.add(id);
      if (this.declaredGone.size > MAX_REMEMBERED_GONE) this.declaredGone.delete(this.declaredGone.values().next().value!);
      this.options.gone(id);
    }
  }
}
