/** Shared helpers for the storage tests: real Yjs edits, rebuilding a document from what a store returns. */
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import type { DocMeta, StoredDoc } from '../../src/storage/doc-store.js';

/** A fresh valid document id. */
export function newDocId(prefix = 'doc'): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

export function makeMeta(id: string, linkGeneration = 0): DocMeta {
  const now = new Date().toISOString();
  return { id, createdAt: now, updatedAt: now, linkGeneration };
}

/**
 * A Y.Doc whose `edit(i)` makes one varied change (text, array, map) and returns its update, so updates
 * depend on each other the way those of real editing sessions do.
 */
export class EditingDoc {
  readonly doc = new Y.Doc();

  /** Makes change number `i` and returns the update it produced. */
  edit(i: number): Uint8Array {
    let produced: Uint8Array | null = null;
    const capture = (update: Uint8Array): void => {
      produced = update;
    };
    this.doc.on('update', capture);
    try {
      const text = this.doc.getText('t');
      // One transaction, so one edit is exactly one update.
      this.doc.transact(() => {
        switch (i % 4) {
          case 0:
            text.insert(text.length, `line ${i}\n`);
            break;
          case 1:
            this.doc.getArray<number>('a').push([i]);
            break;
          case 2:
            this.doc.getMap<number>('m').set(`k${i % 7}`, i);
            break;
          default:
            if (text.length > 3) text.delete(Math.floor(text.length / 2), 2);
            text.insert(0, `${i}:`);
        }
      });
    } finally {
      this.doc.off('update', capture);
    }
    if (!produced) throw new Error(`edit ${i} produced no update`);
    return produced;
  }

  snapshot(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }
}

/** Applies a stored document (snapshot, then log in order) to a fresh Y.Doc. */
export function rebuild(stored: StoredDoc): Y.Doc {
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const update of stored.log) Y.applyUpdate(doc, update);
  return doc;
}

/** Everything a document shows, as plain data. */
export function content(doc: Y.Doc): unknown {
  return {
    t: doc.getText('t').toString(),
    a: doc.getArray('a').toJSON(),
    m: doc.getMap('m').toJSON(),
    // Structs still waiting for missing dependencies would mean an update was lost.
    pending: doc.store.pendingStructs !== null || doc.store.pendingDs !== null,
  };
}

/** A pino-like logger that remembers what it was told. */
export function recordingLogger(): {
  logger: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
  entries: { level: string; obj: Record<string, unknown>; msg: string }[];
} {
  const entries: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (obj: object, msg: string) => {
    entries.push({ level, obj: obj as Record<string, unknown>, msg });
  };
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, entries };
}
