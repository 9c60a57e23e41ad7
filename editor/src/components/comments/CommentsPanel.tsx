import type { Editor } from '@tiptap/core';
import { type KeyboardEvent, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { DRAFT_KEY, type ThreadRanges } from '../../editor/commentHighlights';
import type { ThreadData } from '../../lib/comments';
import type { Participant } from '../../lib/presence';
import { layoutCards } from '../../lib/threadLayout';
import type { CommentsState } from '../../session/useComments';
import { Icon } from '../Icon';
import { CommentComposer } from './CommentComposer';
import { ThreadCard } from './ThreadCard';

interface Props {
  comments: CommentsState;
  editor: Editor | null;
  ranges: ThreadRanges;
  /** `aligned`: a column beside the text, each card level with its passage; `sheet`: a list at the bottom (phones). */
  layout: 'aligned' | 'sheet';
  people: readonly Participant[];
  selfName: string;
  /** Bumped when the panel should take focus (opened from the header). */
  focusRequest: number;
  onClose: () => void;
}

/** Space between cards, and between the panel's header and the first card (px). */
const GAP = 10;

/** The threads to show, in document order (by where their passage starts), detached ones last (oldest first). */
export function orderThreads(threads: readonly ThreadData[], ranges: ThreadRanges, showResolved: boolean, activeId: string | null): ThreadData[] {
  const shown = threads.filter(
    (t) => t.comments.length > 0 && ranges.has(t.id) && (!t.resolved || showResolved || t.id === activeId),
  );
  const at = (t: ThreadData) => ranges.get(t.id) ?? null;
  return shown.sort((a, b) => {
    const ra = at(a);
    const rb = at(b);
    if (ra && rb) return ra.from - rb.from || ra.to - rb.to || (a.id < b.id ? -1 : 1);
    if (ra || rb) return ra ? -1 : 1;
    return (a.comments[0]?.createdAt ?? 0) - (b.comments[0]?.createdAt ?? 0) || (a.id < b.id ? -1 : 1);
  });
}

/**
 * The comments beside the document: on wide screens a column whose cards sit level with the passages they
 * discuss (the open one exactly, the others making room); on phones a bottom sheet listing the threads in
 * document order. The draft of a new thread is a card like the others, with its box focused.
 */
export function CommentsPanel({ comments, editor, ranges, layout, people, selfName, focusRequest, onClose }: Props) {
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const columnRef = useRef<HTMLDivElement>(null);
  const cards = useRef(new Map<string, HTMLElement>());
  const [measureTick, setMeasureTick] = useState(0);
  const { threads, activeId, showResolved, draft } = comments;

  const ordered = useMemo(() => orderThreads(threads, ranges, showResolved, activeId), [threads, ranges, showResolved, activeId]);
  const resolvedCount = threads.filter((t) => t.resolved && t.comments.length > 0).length;
  const openCount = threads.filter((t) => !t.resolved && t.comments.length > 0).length;

  // Names: people here (you excluded) to suggest; everyone known, to highlight in texts.
  const suggest = useMemo(() => [...new Set(people.filter((p) => !p.isSelf).map((p) => p.name))], [people]);
  const names = useMemo(
    () => [...new Set([selfName, ...people.map((p) => p.name), ...threads.flatMap((t) => t.comments.map((c) => c.author))])],
    [people, selfName, threads],
  );
  const colors = useMemo(() => new Map(people.map((p) => [p.name, p.color])), [people]);
  const colorOf = useCallback((name: string) => colors.get(name) ?? null, [colors]);

  useEffect(() => {
    if (focusRequest > 0) headingRef.current?.focus();
  }, [focusRequest]);

  const cardRef = useCallback(
    (id: string) => (el: HTMLElement | null) => {
      if (el) cards.current.set(id, el);
      else cards.current.delete(id);
    },
    [],
  );

  // Cards change height (a reply, an edit box) and text reflows (resize, someone's paragraph): measure again.
  useEffect(() => {
    if (layout !== 'aligned' || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setMeasureTick((n) => n + 1));
    for (const el of cards.current.values()) observer.observe(el);
    if (editor) observer.observe(editor.view.dom);
    return () => observer.disconnect();
  }, [layout, editor, ordered, draft]);

  // Place the cards level with their passages (see threadLayout.ts).
  useLayoutEffect(() => {
    const column = columnRef.current;
    if (layout !== 'aligned' || !column || !editor || editor.isDestroyed) return;
    const columnTop = column.getBoundingClientRect().top;
    const lineTop = (pos: number) => {
      try {
        return editor.view.coordsAtPos(Math.min(pos, editor.state.doc.content.size)).top - columnTop;
      } catch {
        return 0;
      }
    };
    const place = (id: string) => {
      const range = ranges.get(id);
      return { id, want: range ? lineTop(range.from) : 0, height: cards.current.get(id)?.offsetHeight ?? 0, attached: Boolean(range) };
    };
    const all = [...(draft ? [DRAFT_KEY] : []), ...ordered.map((t) => t.id)].map(place);
    // By line; detached threads (no passage) after them, in their order.
    const placements = [...all.filter((p) => p.attached).sort((a, b) => a.want - b.want), ...all.filter((p) => !p.attached)];
    const tops = layoutCards(placements, draft ? DRAFT_KEY : activeId, GAP, 0);
    let bottom = 0;
    for (const { id, height } of placements) {
      const el = cards.current.get(id);
      const top = tops.get(id) ?? 0;
      if (el) el.style.top = `${top}px`;
      bottom = Math.max(bottom, top + height);
    }
    column.style.minHeight = `${bottom + GAP}px`;
  });

  // On a phone the open thread scrolls into the sheet's view.
  useEffect(() => {
    if (layout !== 'sheet') return;
    const el = cards.current.get(draft ? DRAFT_KEY : (activeId ?? ''));
    el?.scrollIntoView({ block: 'nearest' });
  }, [layout, activeId, draft]);

  // Where focus goes when the control that had it is gone: the open thread's card, else the heading.
  const rescueFocus = useCallback(() => {
    requestAnimationFrame(() => {
      const focused = document.activeElement;
      if (focused && focused !== document.body && focused.isConnected) return;
      const card = latestActive.current ? cards.current.get(latestActive.current) : undefined;
      (card ?? headingRef.current)?.focus({ preventScroll: true });
    });
  }, []);
  const latestActive = useRef(activeId);
  latestActive.current = activeId;

  // A posted draft becomes its thread: focus follows it (a cancelled one hands focus back to the text).
  const hadDraft = useRef(Boolean(draft));
  useEffect(() => {
    if (hadDraft.current && !draft) {
      if (activeId) rescueFocus();
      else if (editor?.isEditable && (document.activeElement === document.body || !document.activeElement)) editor.view.focus();
    }
    hadDraft.current = Boolean(draft);
  }, [draft, activeId, editor, rescueFocus]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    if (layout === 'sheet') onClose();
    else if (activeId) comments.activate(null);
    else return;
    event.preventDefault();
  };

  const empty = ordered.length === 0 && !draft;
  // measureTick only asks for a render: the layout effect above runs after every one.
  void measureTick;

  return (
    <aside
      className={`comments comments--${layout}`}
      aria-labelledby={headingId}
      onKeyDown={onKeyDown}
      data-testid="comments-panel"
      data-layout={layout}
    >
      <div className="comments__header">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} className="comments__title">
          <Icon name="comment" size={17} />
          Comments
          <span className="comments__count" data-testid="comments-count">
            {openCount > 0 ? `${openCount} open` : ''}
          </span>
        </h2>
        <button type="button" className="icon-btn icon-btn--small" onClick={onClose} aria-label="Close comments" title="Close" data-testid="comments-close">
          <Icon name="x" size={16} />
        </button>
      </div>
      {resolvedCount > 0 && (
        <label className="comments__toggle">
          <input type="checkbox" checked={showResolved} onChange={(e) => comments.setShowResolved(e.target.checked)} data-testid="show-resolved" />
          Show resolved ({resolvedCount})
        </label>
      )}
      <div ref={columnRef} className="comments__cards">
        {empty && (
          <p className="comments__empty muted">
            {comments.canComment ? 'No comments yet. Select some text and choose Comment.' : 'No comments yet.'}
          </p>
        )}
        {draft && (
          <section ref={cardRef(DRAFT_KEY)} className="thread thread--draft" aria-label="New comment" data-testid="comment-draft" data-active="true">
            <blockquote className="thread__quote">{draft.text}</blockquote>
            <CommentComposer
              label="Your comment"
              placeholder="Comment… (@ to mention)"
              submitLabel="Comment"
              names={suggest}
              autoFocus
              onSubmit={comments.submitDraft}
              onCancel={comments.cancelDraft}
              testId="new-comment-input"
            />
          </section>
        )}
        {ordered.map((thread) => (
          <ThreadCard
            key={thread.id}
            cardRef={cardRef(thread.id)}
            thread={thread}
            detached={!ranges.get(thread.id)}
            active={thread.id === activeId && !draft}
            mentioned={comments.mentions.has(thread.id)}
            showQuote={layout === 'sheet'}
            rights={comments.rights}
            canComment={comments.canComment}
            names={names}
            suggest={suggest}
            colorOf={colorOf}
            onActivate={comments.activate}
            onReply={comments.reply}
            onEdit={comments.edit}
            onDelete={comments.remove}
            onResolve={comments.resolve}
            onFocusLost={rescueFocus}
          />
        ))}
      </div>
    </aside>
  );
}
