/**
 * "Show authors": tints the live text by who wrote it. The decorations are recomputed from the Y fragment
 * (see authorship.ts) when attribution arrives and when a remote change rebuilds the document; local typing
 * only maps them, so new text stays untinted until the next attribution (fetched once edits settle).
 */
import type { HistoryAuthor } from '@tandem/common/api';
import { Extension } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { authorColor, authorName, momentLabel } from '../lib/historyFormat';
import { type AttributionIndex, authorSpans, nodeKindOf } from './authorship';

/** What to tint with: the attribution's runs (indexed) and its authors. */
export interface AuthorshipSource {
  index: AttributionIndex;
  authors: readonly HistoryAuthor[];
}

interface AuthorshipState {
  source: AuthorshipSource | null;
  decorations: DecorationSet;
}

export const authorshipKey = new PluginKey<AuthorshipState>('tandemAuthorship');

/** A transaction that turns the tint on with `source`, or off with null. */
export function setAuthorship(tr: Transaction, source: AuthorshipSource | null): Transaction {
  return tr.setMeta(authorshipKey, { source });
}

/** Whether the tint is on in `state`. */
export function authorshipShown(state: EditorState): boolean {
  return authorshipKey.getState(state)?.source != null;
}

function decorate(doc: PMNode, fragment: Y.XmlFragment, source: AuthorshipSource, kindOf: ReturnType<typeof nodeKindOf>): DecorationSet | null {
  const { spans, size } = authorSpans(fragment, source.index, kindOf);
  // The walk and the document disagree only while the binding has not caught up; keep what we had then.
  if (size !== doc.content.size) return null;
  return DecorationSet.create(
    doc,
    spans.map((span) => {
      const author = source.authors[span.author];
      const name = authorName(author);
      return Decoration.inline(span.from, span.to, {
        class: 'author-tint',
        style: `--author-color: ${authorColor(author)}`,
        title: `${name} · ${momentLabel(span.at)}`,
        'data-author': name,
      });
    }),
  );
}

/** The plugin, bound to the Y fragment the editor's Collaboration extension syncs with. */
export const Authorship = Extension.create<{ fragment: Y.XmlFragment | null }>({
  name: 'tandemAuthorship',

  addOptions() {
    return { fragment: null };
  },

  addProseMirrorPlugins() {
    const fragment = this.options.fragment;
    if (!fragment) return [];
    const kindOf = nodeKindOf(this.editor.schema);
    return [
      new Plugin<AuthorshipState>({
        key: authorshipKey,
        state: {
          init: () => ({ source: null, decorations: DecorationSet.empty }),
          apply(tr, prev, _oldState, newState): AuthorshipState {
            const meta = tr.getMeta(authorshipKey) as { source: AuthorshipSource | null } | undefined;
            if (meta) {
              if (!meta.source) return { source: null, decorations: DecorationSet.empty };
              return { source: meta.source, decorations: decorate(newState.doc, fragment, meta.source, kindOf) ?? DecorationSet.empty };
            }
            if (!prev.source || !tr.docChanged) return prev;
            // A remote change replaces the whole document (y-tiptap), which mapping cannot follow: re-walk.
            const remote = (tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin;
            const fresh = remote ? decorate(newState.doc, fragment, prev.source, kindOf) : null;
            return { source: prev.source, decorations: fresh ?? prev.decorations.map(tr.mapping, tr.doc) };
          },
        },
        props: {
          decorations: (state) => authorshipKey.getState(state)?.decorations ?? DecorationSet.empty,
        },
      }),
    ];
  },
});
