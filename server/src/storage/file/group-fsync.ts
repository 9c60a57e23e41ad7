/**
 * The store-wide half of group commit: files with written-but-unsynced records register here, and one
 * unref'd timer fdatasyncs all of them at most `intervalMs` after the first registered — so a burst of
 * appends across many documents costs one fdatasync per file per interval, not one per append [D1].
 */
import type { StoreLogger } from '../doc-store.js';
import type { PeriodicSync } from './doc-entry.js';

export class GroupFsync {
  private readonly dirty = new Set<PeriodicSync>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly logger: StoreLogger,
  ) {}

  /** `file` has unsynced writes: sync it with the next round. */
  mark(file: PeriodicSync): void {
    this.dirty.add(file);
    if (!this.timer) {
      this.timer = setTimeout(() => this.syncAll(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** `file` was synced (or closed) by other means. */
  unmark(file: PeriodicSync): void {
    this.dirty.delete(file);
  }

  /** No more rounds (the store is closing and syncs what it closes itself). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private syncAll(): void {
    this.timer = null;
    for (const file of [...this.dirty]) {
      file.syncInBackground().catch((err: unknown) => {
        this.logger.error({ docId: file.id, file: file.kind, err }, 'periodic fsync of a document file failed');
      });
    }
  }
}
