import * as Y from 'yjs';
import { titleText } from '@tandem/common';

/**
 * The update that makes `doc`'s title read `title`, computed on a copy (the room applies it as a server
 * change [HI5], so it is stored, attributed and relayed like any edit). A rename is rare and a title short:
 * the copy's cost is one encode and apply of the document.
 */
export function titleChange(doc: Y.Doc, title: string): Uint8Array | null {
  if (titleText(doc).toString() === title) return null;
  const copy = new Y.Doc({ gc: false, guid: doc.guid });
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    let update: Uint8Array | null = null;
    copy.on('update', (u: Uint8Array) => {
      update = u;
    });
    copy.transact(() => {
      const text = titleText(copy);
      text.delete(0, text.length);
      text.insert(0, title);
    });
    return update;
  } finally {
    copy.destroy();
  }
}
