/**
 * Markdown (CommonMark + GFM: tables, task lists, strikethrough, autolinks) to HTML, with `marked`. The
 * HTML is only an intermediate: the paste handler parses it with the document schema, so whatever the
 * schema does not know (scripts, images, raw HTML it has no rule for) is dropped there, never rendered.
 *
 * Loaded on demand (see `markdownPaste.ts`): the editor starts without it.
 */
import { Marked, type Tokens } from 'marked';

const markdown = new Marked({
  gfm: true,
  // A single line break inside a paragraph is a space, as in every Markdown reader.
  breaks: false,
  renderer: {
    // GFM renders a task item as `<li><input type="checkbox" disabled> …`; the schema's task list reads
    // Tiptap's own markup instead. A list with any task in it becomes a task list.
    list(token: Tokens.List) {
      if (!token.items.some((item) => item.task)) return false;
      const items = token.items
        .map((item) => `<li data-type="taskItem" data-checked="${item.checked === true}">${this.parser.parse(item.tokens)}</li>`)
        .join('');
      return `<ul data-type="taskList">${items}</ul>`;
    },
    // The box is the item's `data-checked`; drawn as an input it would only become stray text.
    checkbox() {
      return '';
    },
    // marked ends the code with a line break, which a code block would keep as an empty last line.
    code({ text, lang }: Tokens.Code) {
      const language = /^\S*/.exec(lang ?? '')?.[0] ?? '';
      return `<pre><code${language ? ` class="language-${escapeHtml(language)}"` : ''}>${escapeHtml(text.replace(/\n$/, ''))}</code></pre>`;
    },
  },
});

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** The HTML for `source`, which is Markdown. */
export function markdownToHtml(source: string): string {
  return markdown.parse(source, { async: false });
}
