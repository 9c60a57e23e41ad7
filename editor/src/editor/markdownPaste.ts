/**
 * Markdown pasted as plain text becomes formatting: `# Title`, lists, task lists, quotes, code, links and
 * GFM tables turn into the nodes they stand for. The text goes Markdown → HTML (`markdownToHtml.ts`) →
 * ProseMirror's DOMParser with the document schema, i.e. the same road as pasted HTML, so nothing the
 * schema does not know can get in, and the result fits where it lands like any paste.
 *
 * Only plain text that looks like Markdown is converted: other text keeps ProseMirror's own handling (a
 * paragraph per line), a paste into a code block stays verbatim, and Ctrl/⌘+Shift+V pastes plain text.
 */
import { Extension } from '@tiptap/core';
import { DOMParser as SchemaParser, type ResolvedPos, type Slice } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';

type Converter = (markdown: string) => string;

let converter: Converter | null = null;
let loading: Promise<Converter> | null = null;

/**
 * Loads the Markdown converter (its own chunk, ~40 KB) once. Until it has arrived a paste is plain text;
 * editors load it when they open, long before anyone pastes.
 */
export function loadMarkdownConverter(): Promise<Converter> {
  loading ??= import('./markdownToHtml').then(
    (module) => (converter = module.markdownToHtml),
    (error: unknown) => {
      loading = null; // offline, say: try again next time
      throw error;
    },
  );
  return loading;
}

/** Block syntax at the start of a line: heading, list item (with task box), quote, fence, rule. */
const BLOCK_LINE = /^ {0,3}(?:#{1,6}[ \t]+\S|(?:[-*+]|\d{1,9}[.)])[ \t]+\S|>|```|~~~|(?:([-*_])[ \t]*){3,}$)/m;
/** A GFM table: a row with a pipe, then a delimiter row such as `| --- | :-: |`. */
const TABLE = /^.*\|.*\n[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/m;
/** Inline syntax: strong, emphasis, code, strikethrough, a link with a destination. */
const INLINE = /\*\*\S(?:.*?\S)?\*\*|__\S(?:.*?\S)?__|(?:^|[\s(])[*_][^*_\s](?:[^*_\n]*[^*_\s])?[*_](?=[\s.,;:!?)]|$)|`[^`\n]+`|~~\S(?:.*?\S)?~~|\[[^\]\n]+\]\([^)\s]+\)/m;

/** Whether plain text reads as Markdown rather than as text that happens to hold a `*`. */
export function looksLikeMarkdown(text: string): boolean {
  const normalized = text.replace(/\r\n?/g, '\n');
  return BLOCK_LINE.test(normalized) || TABLE.test(normalized) || INLINE.test(normalized);
}

/** The slice that `markdown` stands for, parsed with the view's schema to fit at `$context`. */
export function markdownSlice(view: EditorView, markdown: string, $context: ResolvedPos, toHtml: Converter): Slice {
  // An inert document: nothing in it runs or loads, even for a moment.
  const body = new window.DOMParser().parseFromString(toHtml(markdown.replace(/\r\n?/g, '\n')), 'text/html').body;
  const parser = view.someProp('clipboardParser') ?? view.someProp('domParser') ?? SchemaParser.fromSchema(view.state.schema);
  return parser.parseSlice(body, { context: $context });
}

/** The editor extension: converts a plain-text paste that looks like Markdown. */
export const MarkdownPaste = Extension.create({
  name: 'markdownPaste',

  onCreate() {
    if (this.editor.isEditable) loadMarkdownConverter().catch(() => undefined);
  },

  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('markdownPaste'),
        props: {
          // ProseMirror asks this only for plain text outside code; `plain` is a Shift paste. Returning
          // nothing hands the text back to ProseMirror's own parser.
          clipboardTextParser(text, $context, plain, view) {
            if (plain || !converter || !looksLikeMarkdown(text)) return undefined as unknown as Slice;
            return markdownSlice(view, text, $context, converter);
          },
        },
      }),
    ];
  },
});
