import { createHash } from 'node:crypto';
import { LEGACY_META_MAP, LEGACY_TITLE_KEY, titleText } from '@tandem/common';
import * as Y from 'yjs';

/** Origin of the migration's change: the server's own, not a peer's (it moves no `updatedAt`). */
export const TITLE_MIGRATION = Symbol('title migration');

/**
 * [U6] The update that moves a legacy title (a string at `meta`.`title`) into the title Y.Text and deletes the
 * key; null when `doc` needs none (no such string, or the title text already has content).
 *
 * Several instances may load the same legacy document at once, each migrating it. Were each to insert with
 * its own client id, the title would arrive twice. So the update is built in a scratch doc from the same
 * state, under a client id derived from the document and the legacy entry, starting at clock 0: instances
 * that saw the same legacy title produce the identical update, and Yjs integrates it once.
 */
export function titleMigration(docId: string, doc: Y.Doc): Uint8Array | null {
  const legacy = legacyTitle(doc);
  if (!legacy) return null;
  const scratch = new Y.Doc({ guid: docId });
  try {
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
    scratch.clientID = migrationClientId(docId, legacy.entry.id, scratch);
    let update: Uint8Array | null = null;
    // Only this transaction's update (the inserted run and one deletion), not the whole delete set.
    scratch.once('update', (u: Uint8Array) => (update = u));
    scratch.transact(() => {
      if (legacy.value !== '') titleText(scratch).insert(0, legacy.value);
      scratch.getMap(LEGACY_META_MAP).delete(LEGACY_TITLE_KEY);
    });
    return update;
  } finally {
    scratch.destroy();
  }
}

/** The legacy title entry and its string, when the document still needs moving. */
function legacyTitle(doc: Y.Doc): { entry: Y.Item; value: string } | null {
  if (titleText(doc).length > 0) return null;
  const meta = doc.getMap<unknown>(LEGACY_META_MAP);
  const value = meta.get(LEGACY_TITLE_KEY);
  // Only ever a string was written there; anything else is not a title to move.
  const entry = meta._map.get(LEGACY_TITLE_KEY);
  return typeof value === 'string' && entry ? { entry, value } : null;
}

/**
 * A client id every instance derives alike: from the document id and the id of the legacy entry being moved
 * (two different legacy values never share one, whose structs Yjs would otherwise take for the same), skipping
 * any id that already wrote to the document (its clock 0 is taken).
 */
function migrationClientId(docId: string, entry: Y.ID, doc: Y.Doc): number {
  for (let attempt = 0; ; attempt++) {
    const digest = createHash('sha256').update(`tandem title migration\0${docId}\0${entry.client}\0${entry.clock}\0${attempt}`).digest();
    const id = digest.readUInt32BE(0);
    if (!doc.store.clients.has(id)) return id;
  }
}
