import type * as Y from 'yjs';
import type { DecodedUpdate } from './update-guard.js';

/**
 * [CM3] The received updates that may hold what Yjs holds back (changes waiting for changes the server
 * lacks), kept decoded while anything is held back, so the comment rules can judge held-back changes when a
 * later update would let them in. Yjs keeps them V2-encoded, and the server never decodes V2 [M2].
 *
 * Every update applied while something stays held back is kept (the held-back structs are some of theirs;
 * structs already integrated are skipped when they are placed again); the list empties once nothing is held
 * back. Honest clients rarely leave anything held back [L9], and never for long; the list is bounded by
 * `maxBytes`, past which the held-back changes are dropped like [L9]'s (none was acknowledged).
 */
export class HeldBackSources {
  private sources: DecodedUpdate[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The updates that may hold what the document holds back right now. */
  get list(): readonly DecodedUpdate[] {
    return this.sources;
  }

  /** After `update` (of `byteLength` bytes) was applied: false when the list grew past its bound. */
  noteApplied(doc: Y.Doc, update: DecodedUpdate, byteLength: number): boolean {
    if (!doc.store.pendingStructs && !doc.store.pendingDs) {
      this.clear();
      return true;
    }
    this.sources.push(update);
    this.bytes += byteLength;
    return this.bytes <= this.maxBytes;
  }

  clear(): void {
    this.sources = [];
    this.bytes = 0;
  }
}
