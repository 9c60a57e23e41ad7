import { titleText } from '@tandem/common';
import type { HistoryAttribution } from '@tandem/common/api';
import { EditorContent, useEditor } from '@tiptap/react';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { ThreadRanges } from '../../editor/commentHighlights';
import { editorExtensions } from '../../editor/extensions';
import type { AwarenessUser, Participant } from '../../lib/presence';
import type { CollabSession } from '../../session/collabSession';
import { useAuthorship } from '../../session/useAuthorship';
import '../../styles/tables.css';
import type { CommentsState } from '../../session/useComments';
import { CommentBar } from '../comments/CommentBar';
import { CommentsPanel } from '../comments/CommentsPanel';
import { SelectionBubble } from '../comments/SelectionBubble';
import { useEditorComments } from '../comments/useEditorComments';
import { ImageBar } from './ImageControls';
import { SlashBridge } from '../../editor/writer/slashMenu';
import { WriterTools } from '../writer/WriterTools';
import { TitleField } from './TitleField';
import { Toolbar } from './Toolbar';

interface Props {
  session: CollabSession;
  user: AwarenessUser;
  editable: boolean;
  ready: boolean;
  /** The title as it reads now (see useDocTitle); the title field edits the shared text itself. */
  title: string;
  /** A read-only view of a past version to show in place of the live text (history), or null. */
  preview: ReactNode;
  /** "Show authors": tint the live text by who wrote it, from `loadAttribution`. */
  authorsShown: boolean;
  loadAttribution: (signal: AbortSignal) => Promise<HistoryAttribution>;
  comments: CommentsState;
  /** How the comments panel shows (beside the text or as a bottom sheet), or null when it is closed. */
  commentsLayout: 'aligned' | 'sheet' | null;
  /** Bumped when the comments panel should take focus. */
  commentsFocus: number;
  onCloseComments: () => void;
  people: readonly Participant[];
}

/** The page itself: toolbar (editors only), title, and the collaborative rich-text editor. */
export function DocEditor(props: Props) {
  const { session, user, editable, ready, title, preview, authorsShown, loadAttribution, comments } = props;
  const [linkRequest, setLinkRequest] = useState(0);
  const [ranges, setRanges] = useState<ThreadRanges>(() => new Map());
  const [paper, setPaper] = useState<HTMLElement | null>(null);
  const [imageError, setImageError] = useState<string | null>(null);
  const [slash] = useState(() => new SlashBridge());
  const titleRef = useRef<HTMLTextAreaElement>(null);
  const autoFocused = useRef(false);
  const userRef = useRef(user);
  userRef.current = user;
  // The editor is built once per session; what it reports goes to whatever the page holds now.
  const commentsRef = useRef(comments);
  commentsRef.current = comments;

  const editor = useEditor(
    {
      extensions: editorExtensions({
        doc: session.doc,
        provider: session.provider,
        user: userRef.current,
        editable,
        onLinkShortcut: () => setLinkRequest((n) => n + 1),
        comments: {
          onRanges: setRanges,
          onActivate: (id) => commentsRef.current.activate(id),
        },
        uploads: {
          docId: () => session.provider.roomname,
          token: () => String(session.provider.params['token'] ?? ''),
          onError: setImageError,
        },
        slash,
      }),
      editable,
      editorProps: {
        attributes: {
          class: 'prose',
          'data-testid': 'editor',
          'aria-label': editable ? 'Document text' : comments.canComment ? 'Document text (comment only)' : 'Document text (view only)',
          'aria-readonly': editable ? 'false' : 'true',
          'aria-multiline': 'true',
          role: 'textbox',
          spellcheck: 'true',
        },
        // Links do not navigate while you edit (a click places the cursor); Ctrl/⌘+click opens them.
        handleClick: (_view, _pos, event) => {
          if (!(event.metaKey || event.ctrlKey)) return false;
          const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
          if (!link) return false;
          window.open(link.getAttribute('href') ?? '', '_blank', 'noopener,noreferrer');
          return true;
        },
      },
    },
    [session],
  );

  // Enforce the role on the live instance too (the contract: viewers get setEditable(false)).
  useEffect(() => {
    if (editor && editor.isEditable !== editable) editor.setEditable(editable);
  }, [editor, editable]);

  const authorshipError = useAuthorship(editor, session.doc, loadAttribution, authorsShown);

  const { commentOnSelection, notice, hasSelection, shortcut } = useEditorComments(editor, session.doc, comments, Boolean(preview));

  // A brand-new document (no title, no text) starts with the cursor in the title: one click to writing.
  useEffect(() => {
    if (!editor || !ready || !editable || autoFocused.current) return;
    autoFocused.current = true;
    if (title === '' && editor.isEmpty && !editor.isFocused) titleRef.current?.focus();
  }, [editor, ready, editable, title]);

  return (
    <>
      {editable && !preview && <Toolbar editor={editor} linkRequest={linkRequest} onComment={commentOnSelection} commentShortcut={shortcut} />}
      {editable && !preview && <ImageBar editor={editor} />}
      {!editable && comments.canComment && !preview && <CommentBar enabled={hasSelection} shortcut={shortcut} onComment={commentOnSelection} />}
      <main className="doc-canvas" id="main">
        {preview}
        {/* Hidden, not unmounted, while a version is previewed: the live document keeps syncing underneath. */}
        <article ref={setPaper} className={`doc-paper${ready ? '' : ' doc-paper--loading'}`} aria-busy={!ready} hidden={Boolean(preview)}>
          <TitleField
            inputRef={titleRef}
            text={titleText(session.doc)}
            title={title}
            editable={editable}
            shown={!preview}
            onEnter={() => {
              if (!editor) return;
              // Focus synchronously: Tiptap's focus command may wait a frame, and keys typed right
              // after Enter would still land in the title.
              editor.view.focus();
              editor.commands.focus('start');
            }}
          />
          <EditorContent editor={editor} className="doc-body" data-authors={authorsShown ? 'shown' : undefined} />
          {editor && comments.canComment && !preview && (
            <SelectionBubble editor={editor} container={paper} shortcut={shortcut} onComment={commentOnSelection} />
          )}
        </article>
        {props.commentsLayout && !preview && (
          <CommentsPanel
            comments={comments}
            editor={editor}
            ranges={ranges}
            layout={props.commentsLayout}
            people={props.people}
            selfName={user.name}
            focusRequest={props.commentsFocus}
            onClose={props.onCloseComments}
          />
        )}
      </main>
      <WriterTools editor={editor} editable={editable} slash={slash} hidden={Boolean(preview)} />
      {notice && (
        <div className="toast" role="status" data-testid="comment-notice">
          {notice}
        </div>
      )}
      {imageError && (
        <div className="toast" role="alert" data-testid="image-error">
          {imageError}
          <button type="button" className="toast__close" aria-label="Dismiss" onClick={() => setImageError(null)}>
            ×
          </button>
        </div>
      )}
      {authorshipError && (
        <div className="toast" role="alert" data-testid="authorship-error">
          {authorshipError}
        </div>
      )}
    </>
  );
}
