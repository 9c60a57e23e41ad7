import type { Scope } from '@tandem/common';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { PassageAnchor } from '../editor/commentAnchors';
import { type CommentRights, canComment, mayDropThread } from '../lib/commentRights';
import {
  type ThreadData,
  addReply,
  commentsRoot,
  createThread,
  deleteComment,
  editComment,
  readThreads,
  setResolved,
} from '../lib/comments';
import type { Identity } from '../lib/identity';
import { loadSeen, saveSeen, unseenMentions } from '../lib/mentionBadge';
import { browserStore } from '../lib/recentDocs';
import { isNarrowScreen } from './useNarrowScreen';

/** The threads in `doc`, re-read whenever anything under `comments` changes. */
export function useCommentThreads(doc: Y.Doc | null): ThreadData[] {
  const [threads, setThreads] = useState<ThreadData[]>(() => (doc ? readThreads(doc) : []));
  useEffect(() => {
    if (!doc) return;
    const root = commentsRoot(doc);
    const update = () => setThreads(readThreads(doc));
    update();
    root.observeDeep(update);
    return () => root.unobserveDeep(update);
  }, [doc]);
  return threads;
}

/** Everything the page knows and does about comments: threads, who may do what, what is shown. */
export interface CommentsState {
  threads: ThreadData[];
  rights: CommentRights;
  canComment: boolean;
  /** The side panel (or, on a phone, the bottom sheet) is shown. */
  panelOpen: boolean;
  setPanelOpen: (open: boolean) => void;
  activeId: string | null;
  /** Opens a thread (and the panel); marks its mentions of you seen. Null closes the active one. */
  activate: (threadId: string | null) => void;
  showResolved: boolean;
  setShowResolved: (show: boolean) => void;
  /** The passage being commented on, before the first comment is posted. */
  draft: PassageAnchor | null;
  startDraft: (anchor: PassageAnchor) => void;
  cancelDraft: () => void;
  /** Posts the draft's first comment: the thread exists from here on. */
  submitDraft: (body: string) => void;
  reply: (threadId: string, body: string) => void;
  edit: (threadId: string, commentId: string, body: string) => void;
  remove: (threadId: string, commentId: string) => void;
  resolve: (threadId: string, resolved: boolean) => void;
  /** Unseen comments that mention you, by thread id. */
  mentions: Map<string, string[]>;
  /** How many of them. */
  mentionCount: number;
}

interface Options {
  doc: Y.Doc | null;
  docId: string;
  scope: Scope;
  identity: Identity;
}

/** The comments of one open document, for the header, the editor's highlights and the panel. */
export function useComments({ doc, docId, scope, identity }: Options): CommentsState {
  const threads = useCommentThreads(doc);
  const [panelOpen, setPanelOpen] = useState(() => !isNarrowScreen());
  const [activeId, setActiveId] = useState<string | null>(null);
  const [showResolved, setShowResolved] = useState(false);
  const [draft, setDraft] = useState<PassageAnchor | null>(null);
  const [seen, setSeen] = useState<string[]>(() => loadSeen(browserStore(), docId));

  const rights = useMemo<CommentRights>(() => ({ scope, selfClient: doc?.clientID ?? -1, selfName: identity.name }), [scope, doc, identity.name]);
  const allowed = canComment(rights);
  const author = identity.name;
  const mentionMap = useMemo(() => unseenMentions(threads, identity.name, new Set(seen)), [threads, identity.name, seen]);
  const latest = useRef({ threads, mentionMap, seen });
  latest.current = { threads, mentionMap, seen };

  const markSeen = useCallback(
    (threadId: string) => {
      const ids = latest.current.mentionMap.get(threadId);
      if (ids) setSeen(saveSeen(browserStore(), docId, latest.current.seen, ids));
    },
    [docId],
  );

  // A mention that arrives in the thread you have open is seen as it arrives.
  useEffect(() => {
    if (activeId && mentionMap.has(activeId)) markSeen(activeId);
  }, [activeId, mentionMap, markSeen]);

  const activate = useCallback((threadId: string | null) => {
    setActiveId(threadId);
    if (threadId !== null) setPanelOpen(true);
  }, []);

  const startDraft = useCallback(
    (anchor: PassageAnchor) => {
      if (!allowed) return;
      setDraft(anchor);
      setActiveId(null);
      setPanelOpen(true);
    },
    [allowed],
  );

  const submitDraft = useCallback(
    (body: string) => {
      if (!doc || !draft || !allowed) return;
      const id = createThread(doc, { from: draft.from, to: draft.to, quote: draft.text, author, body });
      setDraft(null);
      setActiveId(id);
    },
    [doc, draft, allowed, author],
  );

  const reply = useCallback(
    (threadId: string, body: string) => {
      if (doc && allowed) addReply(doc, threadId, { author, body });
    },
    [doc, allowed, author],
  );
  const edit = useCallback(
    (threadId: string, commentId: string, body: string) => {
      if (doc && allowed) editComment(doc, threadId, commentId, body);
    },
    [doc, allowed],
  );
  const remove = useCallback(
    (threadId: string, commentId: string) => {
      const thread = latest.current.threads.find((t) => t.id === threadId);
      if (!doc || !thread || !allowed) return;
      deleteComment(doc, threadId, commentId, mayDropThread(thread, rights));
    },
    [doc, allowed, rights],
  );
  const resolve = useCallback(
    (threadId: string, resolved: boolean) => {
      if (!doc || !allowed) return;
      setResolved(doc, threadId, resolved);
      // A thread you resolve goes out of sight (unless resolved ones are shown), as it would anywhere else.
      if (resolved && !showResolved) setActiveId((active) => (active === threadId ? null : active));
    },
    [doc, allowed, showResolved],
  );

  let mentionCount = 0;
  for (const ids of mentionMap.values()) mentionCount += ids.length;

  return {
    threads,
    rights,
    canComment: allowed,
    panelOpen,
    setPanelOpen,
    activeId,
    activate,
    showResolved,
    setShowResolved,
    draft,
    startDraft,
    cancelDraft: useCallback(() => setDraft(null), []),
    submitDraft,
    reply,
    edit,
    remove,
    resolve,
    mentions: mentionMap,
    mentionCount,
  };
}
