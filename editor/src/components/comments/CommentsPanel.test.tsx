import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ThreadRanges } from '../../editor/commentHighlights';
import type { CommentRights } from '../../lib/commentRights';
import type { ThreadData } from '../../lib/comments';
import type { CommentsState } from '../../session/useComments';
import { CommentsPanel, orderThreads } from './CommentsPanel';

afterEach(cleanup);

const ME = 7;
const thread = (id: string, over: Partial<ThreadData> = {}, comments: [string, string, number][] = [['Alice', `about ${id}`, 1]]): ThreadData => ({
  id,
  quote: `quote ${id}`,
  from: null,
  to: null,
  resolved: false,
  client: 1,
  comments: comments.map(([author, body, client], i) => ({ id: `${id}-c${i}`, author, body, createdAt: 1_000 + i, client })),
  ...over,
});

function stateOf(threads: ThreadData[], rights: CommentRights, over: Partial<CommentsState> = {}): CommentsState {
  return {
    threads,
    rights,
    canComment: rights.scope !== 'view',
    panelOpen: true,
    setPanelOpen: vi.fn(),
    activeId: null,
    activate: vi.fn(),
    showResolved: false,
    setShowResolved: vi.fn(),
    draft: null,
    startDraft: vi.fn(),
    cancelDraft: vi.fn(),
    submitDraft: vi.fn(),
    reply: vi.fn(),
    edit: vi.fn(),
    remove: vi.fn(),
    resolve: vi.fn(),
    mentions: new Map(),
    mentionCount: 0,
    ...over,
  };
}

function renderPanel(state: CommentsState, ranges: ThreadRanges) {
  render(<CommentsPanel comments={state} editor={null} ranges={ranges} layout="sheet" people={[]} selfName="Carol" focusRequest={0} onClose={vi.fn()} />);
  return screen.getAllByTestId('comment-thread');
}

describe('orderThreads', () => {
  it('in document order, detached last (oldest first); resolved only on demand or when open; unmeasured and empty threads not at all', () => {
    const threads = [
      thread('late'),
      thread('early'),
      thread('gone-new', {}, [['A', 'x', 1]]),
      thread('gone-old', {}, [['A', 'x', 1]]),
      thread('done', { resolved: true }),
      thread('empty', {}, []),
      thread('unmeasured'),
    ];
    threads[2]!.comments[0]!.createdAt = 50;
    threads[3]!.comments[0]!.createdAt = 10;
    const ranges: ThreadRanges = new Map([
      ['late', { from: 30, to: 35 }],
      ['early', { from: 3, to: 9 }],
      ['gone-new', null],
      ['gone-old', null],
      ['done', { from: 1, to: 2 }],
      ['empty', { from: 4, to: 5 }],
    ]);
    expect(orderThreads(threads, ranges, false, null).map((t) => t.id)).toEqual(['early', 'late', 'gone-old', 'gone-new']);
    expect(orderThreads(threads, ranges, true, null).map((t) => t.id)).toEqual(['done', 'early', 'late', 'gone-old', 'gone-new']);
    expect(orderThreads(threads, ranges, false, 'done').map((t) => t.id)[0]).toBe('done');
  });
});

describe('CommentsPanel', () => {
  const ranges: ThreadRanges = new Map([
    ['t1', { from: 1, to: 5 }],
    ['t2', null],
  ]);
  const threads = [
    thread('t1', {}, [
      ['Alice', '@Carol look', 1],
      ['Carol', 'mine', ME],
    ]),
    thread('t2'),
  ];

  it('a view link reads every thread (quotes, detached ones) with nothing to write or resolve', () => {
    const cards = renderPanel(stateOf(threads, { scope: 'view', selfClient: ME, selfName: 'Carol' }, { activeId: 't1' }), ranges);
    expect(cards.map((c) => c.dataset.threadId)).toEqual(['t1', 't2']);
    expect(within(cards[1]!).getByTestId('thread-quote').textContent).toBe('Text deleted: quote t2');
    for (const id of ['reply-input', 'thread-resolve', 'comment-edit', 'comment-delete']) expect(screen.queryByTestId(id)).toBeNull();
  });

  it('a comment link replies in the open thread, resolves, and edits or deletes only its own comments', () => {
    const state = stateOf(threads, { scope: 'comment', selfClient: ME, selfName: 'Carol' }, { activeId: 't1', mentions: new Map([['t1', ['t1-c0']]]) });
    const [open, other] = renderPanel(state, ranges);
    expect(within(open!).getByTestId('thread-mention')).toBeTruthy();
    expect(within(other!).queryByTestId('reply-input')).toBeNull();
    const comments = within(open!).getAllByTestId('comment');
    expect(comments.map((c) => c.dataset.own)).toEqual(['false', 'true']);
    expect(within(comments[0]!).queryByTestId('comment-edit')).toBeNull();

    fireEvent.change(within(open!).getByTestId('reply-input'), { target: { value: 'ok' } });
    fireEvent.click(within(open!).getByTestId('reply-input-submit'));
    expect(state.reply).toHaveBeenCalledWith('t1', 'ok');
    fireEvent.click(within(open!).getByTestId('thread-resolve'));
    expect(state.resolve).toHaveBeenCalledWith('t1', true);

    fireEvent.click(within(comments[1]!).getByTestId('comment-delete'));
    fireEvent.click(within(comments[1]!).getByTestId('comment-delete-confirm'));
    expect(state.remove).toHaveBeenCalledWith('t1', 't1-c1');

    // Focus on another thread opens it.
    fireEvent.focus(other!);
    expect(state.activate).toHaveBeenCalledWith('t2');
  });
});
