import { CONTENT_FRAGMENT } from '@tandem/common';
import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { contentExtensions } from './extensions';
import { ReadOnlyGuard } from './readOnlyGuard';

const editors: Editor[] = [];
afterEach(() => {
  for (const e of editors.splice(0)) e.destroy();
});

const text = (s: string, format?: Record<string, unknown>) => {
  const t = new Y.XmlText();
  t.insert(0, s, format);
  return t;
};

/** Shared text another client (or another version of Tandem) may have written, which this schema reads differently. */
const ODD_CONTENT: Record<string, (fragment: Y.XmlFragment) => void> = {
  'a list item outside a list': (f) => {
    const item = new Y.XmlElement('listItem');
    f.insert(0, [item]);
    const p = new Y.XmlElement('paragraph');
    item.insert(0, [p]);
    p.insert(0, [text('item')]);
  },
  'an element this schema does not know': (f) => {
    const odd = new Y.XmlElement('callout');
    f.insert(0, [odd]);
    odd.insert(0, [text('x')]);
  },
  'a mark this schema does not know': (f) => {
    const p = new Y.XmlElement('paragraph');
    f.insert(0, [p]);
    p.insert(0, [text('marked', { sparkle: {} })]);
  },
};

/** An editor on a document holding `build`'s content; what it writes to the document is in `sent`. */
async function open(build: (fragment: Y.XmlFragment) => void, editable: boolean) {
  const doc = new Y.Doc();
  build(doc.getXmlFragment(CONTENT_FRAGMENT));
  const before = doc.getXmlFragment(CONTENT_FRAGMENT).toString();
  const sent: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => sent.push(u));
  const editor = new Editor({
    element: document.createElement('div'),
    editable,
    extensions: [
      ...contentExtensions({ editable }),
      Collaboration.configure({ document: doc, field: CONTENT_FRAGMENT }),
      ReadOnlyGuard.configure({ doc }),
    ],
  });
  editors.push(editor);
  // Any later update (a selection, a decoration) runs the binding again.
  await new Promise((r) => setTimeout(r, 0));
  editor.view.dispatch(editor.state.tr.setMeta('poke', true));
  await new Promise((r) => setTimeout(r, 0));
  return { doc, editor, sent, before };
}

describe('ReadOnlyGuard', () => {
  for (const [name, build] of Object.entries(ODD_CONTENT)) {
    it(`a read-only editor leaves ${name} alone (an editable one would rewrite it for everyone)`, async () => {
      const editing = await open(build, true);
      expect(editing.sent.length).toBeGreaterThan(0);

      const reading = await open(build, false);
      expect(reading.sent).toEqual([]);
      expect(reading.doc.getXmlFragment(CONTENT_FRAGMENT).toString()).toBe(reading.before);
    });
  }

  it('the document’s own transactions are back to normal once the editor is gone', async () => {
    const { doc, editor } = await open(ODD_CONTENT['a list item outside a list']!, false);
    const guarded = doc.transact;
    editor.destroy();
    expect(doc.transact).not.toBe(guarded);
    expect(doc.transact).toBe(Y.Doc.prototype.transact);
  });
});
