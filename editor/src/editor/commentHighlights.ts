/**
 * Highlights the passages that threads comment on, as ProseMirror decorations (nothing is written into
 * the text). The ranges come from each thread's relative positions (commentAnchors.ts), so they follow the
 * text as others edit: recomputed whenever the comments change or a remote change rebuilds the document;
 * local typing only maps them (exactly what the relative positions would say, without a walk per key).
 *
 * The page tells the plugin which thread is active, whether resolved threads show, and the passage of a
 * comment being written (the draft); the plugin tells the page where every thread stands (for the panel)
 * and which thread was clicked.
 */
import { Extension } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { commentsRoot, readAnchors } from '../lib/comments';
import { FragmentPositions, leafTest } from './commentAnchors';

/** Where a thread's passage is now. */
export interface ThreadRange {
  from: number;
  to: number;
}

/** Every thread's passage by thread id; null when its text is gone (a detached thread). */
export type ThreadRanges = ReadonlyMap<string, ThreadRange | null>;

/** The key of the draft's passage in `ThreadRanges` (thread ids are never empty). */
export const DRAFT_KEY = '';

/** What the page shows: set with `setCommentView`. */
export interface CommentView {
  activeId: string | null;
  showResolved: boolean;
  /** The passage of a comment being written, anchored like a thread's. */
  draft: { from: Uint8Array; to: Uint8Array } | null;
}

interface HighlightState {
  view: CommentView;
  ranges: ThreadRanges;
  resolved: ReadonlySet<string>;
  decorations: DecorationSet;
}

type Meta = { view: CommentView } | { recompute: true };

export const commentHighlightsKey = new PluginKey<HighlightState>('tandemCommentHighlights');

/** A transaction that changes what the highlights show. */
export function setCommentView(tr: Transaction, view: CommentView): Transaction {
  return tr.setMeta(commentHighlightsKey, { view } satisfies Meta);
}

/** Where every thread stands in `state` (what the panel last heard). */
export function threadRanges(state: EditorState): ThreadRanges {
  return commentHighlightsKey.getState(state)?.ranges ?? new Map();
}

export interface CommentHighlightsOptions {
  doc: Y.Doc | null;
  fragment: Y.XmlFragment | null;
  /** Called after the ranges changed (a new map each time). */
  onRanges: (ranges: ThreadRanges) => void;
  /**
   * A highlighted passage was clicked, or the caret moved into one: the innermost thread there. Null when
   * the text was clicked outside every passage (the open thread closes).
   */
  onActivate: (threadId: string | null) => void;
}

const INITIAL_VIEW: CommentView = { activeId: null, showResolved: false, draft: null };

export const CommentHighlights = Extension.create<CommentHighlightsOptions>({
  name: 'tandemCommentHighlights',

  addOptions() {
    return { doc: null, fragment: null, onRanges: () => {}, onActivate: () => {} };
  },

  addProseMirrorPlugins() {
    const { doc: ydoc, fragment } = this.options;
    if (!ydoc || !fragment) return [];
    const options = this.options;
    const isLeaf = leafTest(this.editor.schema);

    /** Every thread's range from the Yjs document; null while the document and Yjs are out of step. */
    const measure = (doc: PMNode, draft: CommentView['draft']): { ranges: ThreadRanges; resolved: Set<string> } | null => {
      const threads = readAnchors(ydoc);
      // Most documents have no comments: then a remote change costs no walk at all.
      if (threads.length === 0 && !draft) return { ranges: new Map(), resolved: new Set() };
      const positions = new FragmentPositions(fragment, isLeaf);
      if (positions.size !== doc.content.size) return null;
      const ranges = new Map<string, ThreadRange | null>();
      const resolved = new Set<string>();
      const place = (from: Uint8Array | null, to: Uint8Array | null): ThreadRange | null => {
        const a = positions.resolve(from);
        const b = positions.resolve(to);
        if (a === null || b === null || b <= a) return null;
        // A passage whose characters are all gone (only block boundaries left between its ends) is detached.
        return doc.textBetween(a, b, ' ').trim() === '' ? null : { from: a, to: b };
      };
      for (const thread of threads) {
        ranges.set(thread.id, place(thread.from, thread.to));
        if (thread.resolved) resolved.add(thread.id);
      }
      if (draft) ranges.set(DRAFT_KEY, place(draft.from, draft.to));
      return { ranges, resolved };
    };

    const build = (doc: PMNode, view: CommentView, ranges: ThreadRanges, resolved: ReadonlySet<string>): HighlightState => {
      const decorations: Decoration[] = [];
      for (const [id, range] of ranges) {
        if (!range || (resolved.has(id) && !view.showResolved && id !== view.activeId)) continue;
        const classes = ['comment-mark'];
        if (id === DRAFT_KEY) classes.push('comment-mark--draft');
        if (id === view.activeId) classes.push('comment-mark--active');
        if (resolved.has(id)) classes.push('comment-mark--resolved');
        decorations.push(Decoration.inline(range.from, range.to, { class: classes.join(' '), 'data-thread-id': id }));
      }
      return { view, ranges, resolved, decorations: DecorationSet.create(doc, decorations) };
    };

    const mapRanges = (ranges: ThreadRanges, tr: Transaction): ThreadRanges => {
      const mapped = new Map<string, ThreadRange | null>();
      for (const [id, range] of ranges) {
        if (!range) {
          mapped.set(id, null);
          continue;
        }
        const from = tr.mapping.map(range.from, 1);
        const to = tr.mapping.map(range.to, -1);
        mapped.set(id, to > from && tr.doc.textBetween(from, to, ' ').trim() !== '' ? { from, to } : null);
      }
      return mapped;
    };

    /** The innermost visible thread whose passage holds `pos`. */
    const threadAt = (state: EditorState, pos: number): string | null => {
      const s = commentHighlightsKey.getState(state);
      if (!s) return null;
      let best: string | null = null;
      let bestSize = Infinity;
      for (const [id, range] of s.ranges) {
        if (!range || id === DRAFT_KEY || (s.resolved.has(id) && !s.view.showResolved)) continue;
        if (range.from <= pos && pos <= range.to && range.to - range.from < bestSize) {
          best = id;
          bestSize = range.to - range.from;
        }
      }
      return best;
    };

    return [
      new Plugin<HighlightState>({
        key: commentHighlightsKey,
        state: {
          init: (_config, state) => build(state.doc, INITIAL_VIEW, new Map(), new Set()),
          apply(tr, prev, _old, next): HighlightState {
            const meta = tr.getMeta(commentHighlightsKey) as Meta | undefined;
            const remote = (tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin === true;
            const view = meta && 'view' in meta ? meta.view : prev.view;
            if (meta || (remote && tr.docChanged)) {
              const measured = measure(next.doc, view.draft);
              if (measured) return build(next.doc, view, measured.ranges, measured.resolved);
            }
            if (tr.docChanged) return build(next.doc, view, mapRanges(prev.ranges, tr), prev.resolved);
            return view === prev.view ? prev : build(next.doc, view, prev.ranges, prev.resolved);
          },
        },
        props: {
          decorations: (state) => commentHighlightsKey.getState(state)?.decorations ?? DecorationSet.empty,
          handleClick(view, pos) {
            options.onActivate(threadAt(view.state, pos));
            return false;
          },
        },
        view(editorView: EditorView) {
          let scheduled = false;
          let lastCaretThread: string | null = null;
          const recompute = () => {
            if (scheduled) return;
            scheduled = true;
            // After the current Yjs transaction and any ProseMirror update it causes have finished.
            queueMicrotask(() => {
              scheduled = false;
              if (!editorView.isDestroyed) editorView.dispatch(editorView.state.tr.setMeta(commentHighlightsKey, { recompute: true } satisfies Meta));
            });
          };
          const comments = commentsRoot(ydoc);
          comments.observeDeep(recompute);
          recompute();
          let reported: ThreadRanges | null = null;
          return {
            update(view, prevState) {
              const ranges = commentHighlightsKey.getState(view.state)?.ranges ?? null;
              if (ranges && ranges !== reported) {
                reported = ranges;
                options.onRanges(ranges);
              }
              // Moving the caret into a highlighted passage (keyboard or click) opens its thread.
              const { selection } = view.state;
              if (!selection.eq(prevState.selection) && selection.empty && view.hasFocus()) {
                const id = threadAt(view.state, selection.head);
                if (id && id !== lastCaretThread) options.onActivate(id);
                lastCaretThread = id;
              }
            },
            destroy() {
              comments.unobserveDeep(recompute);
            },
          };
        },
      }),
    ];
  },
});
