import { titleText } from '@tandem/common';
import type { HistoryAttribution } from '@tandem/common/api';
import { EditorContent, useEditor } from '@tiptap/react';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { editorExtensions } from '../../editor/extensions';
import type { AwarenessUser } from '../../lib/presence';
import type { CollabSession } from '../../session/collabSession';
import { useAuthorship } from '../../session/useAuthorship';
import '../../styles/tables.css';
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
}

/** The page itself: toolbar (editors only), title, and the collaborative rich-text editor. */
export function DocEditor({ session, user, editable, ready, title, preview, authorsShown, loadAttribution }: Props) {
  const [linkRequest, setLinkRequest] = useState(0);
  const titleRef = useRef<HTMLTextAreaElement>(null);
  const autoFocused = useRef(false);
  const userRef = useRef(user);
  userRef.current = user;

  const editor = useEditor(
    {
      extensions: editorExtensions({
        doc: session.doc,
        provider: session.provider,
        user: userRef.current,
        editable,
        onLinkShortcut: () => setLinkRequest((n) => n + 1),
      }),
      editable,
      editorProps: {
        attributes: {
          class: 'prose',
          'data-testid': 'editor',
          'aria-label': editable ? 'Document text' : 'Document text (view only)',
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

  // A brand-new document (no title, no text) starts with the cursor in the title: one click to writing.
  useEffect(() => {
    if (!editor || !ready || !editable || autoFocused.current) return;
    autoFocused.current = true;
    if (title === '' && editor.isEmpty && !editor.isFocused) titleRef.current?.focus();
  }, [editor, ready, editable, title]);

  return (
    <>
      {editable && !preview && <Toolbar editor={editor} linkRequest={linkRequest} />}
      <main className="doc-canvas" id="main">
        {preview}
        {/* Hidden, not unmounted, while a version is previewed: the live document keeps syncing underneath. */}
        <article className={`doc-paper${ready ? '' : ' doc-paper--loading'}`} aria-busy={!ready} hidden={Boolean(preview)}>
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
        </article>
      </main>
      {authorshipError && (
        <div className="toast" role="alert" data-testid="authorship-error">
          {authorshipError}
        </div>
      )}
    </>
  );
}
