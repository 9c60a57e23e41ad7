/**
 * [IM2] HTML import: happy-dom builds the DOM (scripts never run: evaluation and every kind of loading are
 * off), the sanitising step cleans it [IM4], and the schema's own parse rules (ProseMirror's `DOMParser`,
 * exactly what the editor does on paste) turn it into the document.
 */
import type { JSONContent } from '@tiptap/core';
import { DOMParser as SchemaParser } from '@tiptap/pm/model';
import { Window } from 'happy-dom';
import { documentSchema } from '../export/schema.js';
import { sanitiseDom } from './sanitise.js';

const parser = SchemaParser.fromSchema(documentSchema);

export interface ReadHtml {
  /** The blocks of the body. */
  blocks: JSONContent[];
  /**
   * The title when the page is laid out as the HTML export writes it — a `<title>` and a first `<h1>` of the
   * same text, which is then not among `blocks`; otherwise null.
   */
  title: string | null;
}

/** One DOM to parse HTML with; `close()` it when the import is done (a window holds timers and caches). */
export class HtmlReader {
  private window: Window | null = null;

  /** A whole page or a fragment. */
  read(html: string): ReadHtml {
    const document = this.parse(html);
    const body = document.body;
    const pageTitle = collapse(document.querySelector('title')?.textContent ?? '');
    const first = body.firstElementChild;
    let title: string | null = null;
    if (pageTitle && first?.tagName === 'H1' && collapse(first.textContent ?? '') === pageTitle) {
      title = pageTitle;
      first.remove();
    }
    sanitiseDom(body as never);
    const root = parser.parse(body as never);
    return { blocks: (root.toJSON() as JSONContent).content ?? [], title };
  }

  /** A fragment's blocks (HTML inside Markdown). */
  readFragment(html: string): JSONContent[] {
    const body = this.parse(`<!DOCTYPE html><html><body>${html}</body></html>`).body;
    sanitiseDom(body as never);
    return (parser.parse(body as never).toJSON() as JSONContent).content ?? [];
  }

  close(): void {
    if (!this.window) return;
    void this.window.happyDOM.abort();
    void this.window.happyDOM.close();
    this.window = null;
  }

  private parse(html: string) {
    this.window ??= new Window({
      settings: {
        enableJavaScriptEvaluation: false,
        disableJavaScriptFileLoading: true,
        disableCSSFileLoading: true,
        disableIframePageLoading: true,
        disableComputedStyleRendering: true,
      },
    });
    return new this.window.DOMParser().parseFromString(html, 'text/html');
  }
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
