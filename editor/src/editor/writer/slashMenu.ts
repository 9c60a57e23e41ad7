/**
 * The "/" block menu's editor side: Tiptap's suggestion plugin watches for "/" typed at the start of an
 * empty text line or after a space, and reports the query and its place; the menu itself is React
 * (`components/writer/SlashMenu.tsx`), which gets the keys first while it is open.
 */
import { Extension, type Range } from '@tiptap/core';
import { PluginKey } from '@tiptap/pm/state';
import { Suggestion } from '@tiptap/suggestion';
import { filterBlockItems, type BlockItem } from './blockMenu';

export interface SlashState {
  items: BlockItem[];
  query: string;
  range: Range;
  /** Where the "/" is on screen, to place the menu under it. */
  rect: DOMRect | null;
  choose: (item: BlockItem) => void;
}

export interface SlashMenuOptions {
  /** The open menu's state, or null when it closes. */
  onChange: (state: SlashState | null) => void;
  /** A key pressed while the menu is open; true when the menu used it. */
  onKey: (event: KeyboardEvent) => boolean;
}

export const slashKey = new PluginKey('slashMenu');

export const SlashMenu = Extension.create<SlashMenuOptions>({
  name: 'slashMenu',
  addOptions: () => ({ onChange: () => {}, onKey: () => false }),
  addProseMirrorPlugins() {
    const { onChange, onKey } = this.options;
    const report = (props: { items: BlockItem[]; query: string; range: Range; clientRect?: (() => DOMRect | null) | null; command: (item: BlockItem) => void }) =>
      onChange({ items: props.items, query: props.query, range: props.range, rect: props.clientRect?.() ?? null, choose: props.command });
    return [
      Suggestion<BlockItem, BlockItem>({
        editor: this.editor,
        pluginKey: slashKey,
        char: '/',
        allowedPrefixes: [' '],
        // Only in ordinary text, and at a line's start only when the line holds nothing but "/query"
        // (a "/" typed mid-word, in code, or before existing text is just a slash).
        allow: ({ state, range }) => {
          if (!this.editor.isEditable) return false;
          const $from = state.doc.resolve(range.from);
          const parent = $from.parent;
          if (parent.type.name !== 'paragraph' && parent.type.name !== 'heading') return false;
          if ($from.parentOffset > 0) return true;
          return parent.textContent.trim() === state.doc.textBetween(range.from, range.to).trim();
        },
        items: ({ query }) => filterBlockItems(query),
        command: ({ editor, range, props }) => {
          props.run(editor.chain().focus().deleteRange(range)).run();
        },
        render: () => ({
          onStart: report,
          onUpdate: report,
          onExit: () => onChange(null),
          onKeyDown: ({ event }) => onKey(event),
        }),
      }),
    ];
  },
});

/**
 * Connects the extension (created once with the editor) to the menu component (mounted later, maybe
 * more than once): the extension's options are this object's stable methods, which forward to whoever
 * is listening now.
 */
export class SlashBridge implements SlashMenuOptions {
  private listener: ((state: SlashState | null) => void) | null = null;
  private keyHandler: ((event: KeyboardEvent) => boolean) | null = null;

  readonly onChange = (state: SlashState | null): void => this.listener?.(state);
  readonly onKey = (event: KeyboardEvent): boolean => this.keyHandler?.(event) ?? false;

  /** Listens until the returned function is called. */
  connect(listener: (state: SlashState | null) => void, keyHandler: (event: KeyboardEvent) => boolean): () => void {
    this.listener = listener;
    this.keyHandler = keyHandler;
    return () => {
      if (this.listener === listener) this.listener = null;
      if (this.keyHandler === keyHandler) this.keyHandler = null;
    };
  }
}
