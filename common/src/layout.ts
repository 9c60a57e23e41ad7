/**
 * How a document is laid out inside its Y.Doc. Every reader and writer of a document (the editor, the
 * server's seed and exports) names these roots through the constants below, never by string.
 */

/** The Y.XmlFragment holding the rich text (the name Tiptap's Collaboration extension uses by default). */
export const CONTENT_FRAGMENT = 'default';

/** The Y.Map holding everything about a document that is not its text. */
export const META_MAP = 'meta';

/** The key of `META_MAP` holding the title: a single-line string. */
export const TITLE_KEY = 'title';

/** The longest title `POST /api/docs` accepts and the editor lets anyone type. */
export const MAX_TITLE_LENGTH = 200;
