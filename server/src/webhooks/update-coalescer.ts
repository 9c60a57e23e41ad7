/**
 * [WH2] Folds a document's durable changes into one `document.updated` per window: the first change arms a
 * timer of `windowMs`; changes until it fires are folded into it. A document edited without pause gets one
 * event per window, a quiet one none. Holds one timer per document with unreported changes.
 */
export class UpdateCoalescer<T> {
  private readonly pending = new Map<string, { latest: T; timer: NodeJS.Timeout }>();

  constructor(
    private readonly windowMs: number,
    private readonly fire: (docId: string, latest: T) => void,
  ) {}

  /** A change to `docId`; `latest` replaces what an earlier change in the same window carried. */
  changed(docId: string, latest: T): void {
    const known = this.pending.get(docId);
    if (known) {
      known.latest = latest;
      return;
    }
    const timer = setTimeout(() => this.flush(docId), this.windowMs);
    timer.unref();
    this.pending.set(docId, { latest, timer });
  }

  /** Forgets `docId`'s unreported changes (the document is gone). */
  forget(docId: string): void {
    const known = this.pending.get(docId);
    if (known) clearTimeout(known.timer);
    this.pending.delete(docId);
  }

  /** Fires every pending window now (shutdown). */
  flushAll(): void {
    for (const docId of [...this.pending.keys()]) this.flush(docId);
  }

  private flush(docId: string): void {
    const known = this.pending.get(docId);
    if (!known) return;
    clearTimeout(known.timer);
    this.pending.delete(docId);
    this.fire(docId, known.latest);
  }
}
