import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';
import { Fragment, type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { isInTable } from '../../editor/tableCommands';
import '../../styles/toolbar.css';
import { Icon } from '../Icon';
import { ImageButton } from './ImageControls';
import { LinkEditor } from './LinkEditor';
import { TableMenu } from './TableMenu';
import { ColorMenu } from '../writer/ColorMenu';
import { BLOCK_CHOICES, BLOCK_SHORTCUTS, type BlockType, MOD, TOOLBAR_GROUPS, currentBlock, setBlock } from './toolbarItems';
import { useScrollEdges } from './useScrollEdges';

interface Props {
  editor: Editor | null;
  /** Bumped by the Mod-K shortcut inside the editor to open the link box. */
  linkRequest: number;
  /** Starts a comment on the selection; its shortcut, for the tooltip. */
  onComment: () => void;
  commentShortcut: string;
}

const BLOCK_LABELS: Record<BlockType, string> = {
  paragraph: 'Text',
  h1: 'Heading 1',
  h2: 'Heading 2',
  h3: 'Heading 3',
  h4: 'Heading 4',
  h5: 'Heading 5',
  h6: 'Heading 6',
  other: 'Style',
};

/**
 * Formatting toolbar. Active marks light up (aria-pressed). One tab stop for the whole bar, arrow keys
 * move between controls (WAI-ARIA toolbar pattern), so Tab gets you from the title to the text quickly.
 *
 * On a narrow screen the bar scrolls sideways; chevrons at its ends show that there is more and page
 * to it. They are for pointers only (hidden from assistive technology, no tab stop): from the keyboard
 * the arrow keys reach every control, and the bar scrolls the focused one into view.
 */
export function Toolbar({ editor, linkRequest, onComment, commentShortcut }: Props) {
  const barRef = useRef<HTMLDivElement>(null);
  const linkButtonRef = useRef<HTMLButtonElement>(null);
  const tableButtonRef = useRef<HTMLButtonElement>(null);
  const colorButtonRef = useRef<HTMLButtonElement>(null);
  const [colorOpen, setColorOpen] = useState(false);
  const [linkOpen, setLinkOpen] = useState(false);
  const [tableOpen, setTableOpen] = useState(false);
  const [focusId, setFocusId] = useState('block');
  const edges = useScrollEdges(barRef);

  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      if (!e) return null;
      const active: Record<string, boolean> = {};
      for (const group of TOOLBAR_GROUPS) for (const b of group) if (b.isActive) active[b.id] = b.isActive(e);
      const { selection, doc } = e.state;
      const canComment = !selection.empty && doc.textBetween(selection.from, selection.to, ' ').trim() !== '';
      return {
        active,
        link: e.isActive('link'),
        table: isInTable(e),
        block: currentBlock(e),
        canUndo: e.can().undo(),
        canRedo: e.can().redo(),
        canComment,
      };
    },
  });

  useEffect(() => {
    if (linkRequest > 0) setLinkOpen(true);
  }, [linkRequest]);

  // Disabled controls cannot take focus, so arrows skip them.
  const controls = () => Array.from(barRef.current?.querySelectorAll<HTMLElement>('[data-roving]:not(:disabled)') ?? []);

  const onKeyDown = (event: KeyboardEvent) => {
    const items = controls();
    const index = items.indexOf(document.activeElement as HTMLElement);
    if (index === -1) return;
    let next = index;
    if (event.key === 'ArrowRight') next = (index + 1) % items.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + items.length) % items.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = items.length - 1;
    else if (event.key === 'ArrowDown' && event.target === tableButtonRef.current) {
      // A menu button opens its menu with ArrowDown (WAI-ARIA menu button).
      event.preventDefault();
      setTableOpen(true);
      return;
    } else return;
    // The block <select> uses arrows itself only when open; closed, arrows move along the bar.
    event.preventDefault();
    items[next]?.focus();
  };

  const disabled = !editor || !state;
  // The bar's single tab stop; if that control got disabled (undo with nothing to undo), use the first.
  const tabStop =
    (focusId === 'undo' && !state?.canUndo) || (focusId === 'redo' && !state?.canRedo) || (focusId === 'comment' && !state?.canComment) ? 'block' : focusId;
  const roving = (id: string) => ({
    'data-roving': true,
    tabIndex: id === tabStop ? 0 : -1,
    onFocus: (event: { currentTarget: HTMLElement }) => {
      setFocusId(id);
      // Clear of the chevrons, which cover the bar's ends (see the scroll padding in toolbar.css).
      event.currentTarget.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    },
  });
  const closeTable = useCallback((refocus: boolean) => {
    setTableOpen(false);
    if (refocus) tableButtonRef.current?.focus();
  }, []);

  return (
    <div className="toolbar-wrap">
      <div className="toolbar-frame" data-overflow-start={edges.start || undefined} data-overflow-end={edges.end || undefined}>
        <div ref={barRef} className="toolbar" role="toolbar" aria-label="Formatting" onKeyDown={onKeyDown} data-testid="toolbar">
          <select
            className="toolbar__block"
            aria-label="Text style"
            title={`Text style (${BLOCK_SHORTCUTS.paragraph}, ${BLOCK_SHORTCUTS.h1}…)`}
            value={state?.block ?? 'paragraph'}
            disabled={disabled}
            onChange={(e) => editor && setBlock(editor, e.target.value as BlockType)}
            data-testid="tb-block"
            {...roving('block')}
          >
            {BLOCK_CHOICES.map((b) => (
              <option key={b} value={b}>
                {BLOCK_LABELS[b]}
              </option>
            ))}
            {state?.block === 'other' && <option value="other">{BLOCK_LABELS.other}</option>}
          </select>
          {TOOLBAR_GROUPS.map((group, gi) => (
            <Fragment key={gi}>
              <span className="toolbar__sep" aria-hidden="true" />
              {group.map((b) => (
                <button
                  key={b.id}
                  type="button"
                  className="tb-btn"
                  aria-label={b.label}
                  title={b.shortcut ? `${b.label} (${b.shortcut})` : b.label}
                  {...(b.isActive ? { 'aria-pressed': state?.active[b.id] ?? false } : {})}
                  disabled={disabled}
                  onClick={() => editor && b.run(editor)}
                  data-testid={`tb-${b.id}`}
                  {...roving(b.id)}
                >
                  <Icon name={b.icon} />
                </button>
              ))}
              {gi === 0 && (
                <button
                  ref={linkButtonRef}
                  type="button"
                  className="tb-btn"
                  aria-label="Link"
                  title={`Link (${MOD}K)`}
                  aria-pressed={state?.link ?? false}
                  aria-expanded={linkOpen}
                  disabled={disabled}
                  onClick={() => setLinkOpen((o) => !o)}
                  data-testid="tb-link"
                  {...roving('link')}
                >
                  <Icon name="link" />
                </button>
              )}
              {gi === 1 && (
                <button
                  ref={colorButtonRef}
                  type="button"
                  className="tb-btn"
                  aria-label="Colour"
                  title="Text colour and highlight colour"
                  aria-haspopup="dialog"
                  aria-expanded={colorOpen}
                  disabled={disabled}
                  onClick={() => setColorOpen((o) => !o)}
                  data-testid="tb-color"
                  {...roving('color')}
                >
                  <Icon name="textColor" />
                </button>
              )}
            </Fragment>
          ))}
          <span className="toolbar__sep" aria-hidden="true" />
          <button
            ref={tableButtonRef}
            type="button"
            className="tb-btn"
            aria-label="Table"
            title={state?.table ? 'Table: rows, columns, header, merge' : 'Insert table'}
            aria-haspopup="menu"
            aria-expanded={tableOpen}
            data-active={state?.table || undefined}
            disabled={disabled}
            onClick={() => setTableOpen((o) => !o)}
            data-testid="tb-table"
            {...roving('table')}
          >
            <Icon name="table" />
          </button>
          <ImageButton editor={editor} disabled={disabled} roving={roving('image')} />
          <span className="toolbar__sep" aria-hidden="true" />
          <button
            type="button"
            className="tb-btn"
            aria-label="Undo"
            title={`Undo your last change (${MOD}Z)`}
            disabled={disabled || !state.canUndo}
            onClick={() => editor?.chain().focus().undo().run()}
            data-testid="tb-undo"
            {...roving('undo')}
          >
            <Icon name="undo" />
          </button>
          <button
            type="button"
            className="tb-btn"
            aria-label="Redo"
            title={`Redo (${MOD}${MOD === '⌘' ? '⇧Z' : 'Y'})`}
            disabled={disabled || !state.canRedo}
            onClick={() => editor?.chain().focus().redo().run()}
            data-testid="tb-redo"
            {...roving('redo')}
          >
            <Icon name="redo" />
          </button>
          <span className="toolbar__sep" aria-hidden="true" />
          <button
            type="button"
            className="tb-btn"
            aria-label="Comment"
            title={`Comment on the selection (${commentShortcut})`}
            disabled={disabled || !state.canComment}
            // Keep the selection: the comment is about it.
            onMouseDown={(e) => e.preventDefault()}
            onClick={onComment}
            data-testid="tb-comment"
            {...roving('comment')}
          >
            <Icon name="comment" />
          </button>
        </div>
        {(['start', 'end'] as const).map(
          (side) =>
            edges[side] && (
              <button
                key={side}
                type="button"
                className={`toolbar__scroll toolbar__scroll--${side}`}
                title={side === 'end' ? 'More tools' : 'Back to the first tools'}
                aria-hidden="true"
                tabIndex={-1}
                onClick={() => edges.page(side === 'end' ? 1 : -1)}
                data-testid={`toolbar-scroll-${side}`}
              >
                <Icon name={side === 'end' ? 'chevronRight' : 'chevronLeft'} />
              </button>
            ),
        )}
      </div>
      {editor && linkOpen && (
        <LinkEditor editor={editor} anchorRef={linkButtonRef} onClose={() => setLinkOpen(false)} />
      )}
      {editor && <ColorMenu editor={editor} open={colorOpen} anchorRef={colorButtonRef} onClose={() => setColorOpen(false)} />}
      {editor && tableOpen && <TableMenu editor={editor} anchorRef={tableButtonRef} onClose={closeTable} />}
    </div>
  );
}
