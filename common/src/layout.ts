/**
 * How a document is laid out inside its Y.Doc. Every reader and writer of a document (the editor, the
 * server's seed and exports) names these roots through the constants below, never by string.
 */
import type * as Y from 'yjs';

/** The Y.XmlFragment holding the rich text (the name Tiptap's Collaboration extension uses by default). */
export const CONTENT_FRAGMENT = 'default';

/** The root Y.Text holding the title (one line), so concurrent edits of it merge character by character. */
export const TITLE_TEXT = 'title';

/**
 * Before the title was a Y.Text, it was a plain last-writer-wins string in this Y.Map under
 * `LEGACY_TITLE_KEY`. Only the server's one-time migration reads these names (server/src/rooms/title-migration.ts).
 */
export const LEGACY_META_MAP = 'meta';

/** The key of `LEGACY_META_MAP` that held the title before it was the `TITLE_TEXT` Y.Text. */
export const LEGACY_TITLE_KEY = 'title';

/** The longest title `POST /api/docs` accepts and the editor lets anyone type. */
export const MAX_TITLE_LENGTH = 200;

/** The document's title text (the root `TITLE_TEXT` Y.Text). */
export function titleText(doc: Y.Doc): Y.Text {
  return doc.getText(TITLE_TEXT);
}

/**
 * The title as every reader shows it: one line, runs of whitespace (a newline a client let through
 * included) collapsed, trimmed; '' when unset. Embeds a client may have put into the Y.Text are left out.
 */
export function readTitle(doc: Y.Doc): string {
  return titleText(doc).toString().replace(/\s+/g, ' ').trim();
}
