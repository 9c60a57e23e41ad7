/**
 * The document schema: the one list of Tiptap extensions that defines node and mark names, attributes and
 * content rules. The editor builds its editor from it (adding only behaviour: collaboration, carets,
 * placeholder, shortcuts) and the server converts and exports with it; a new node type (tables, images) is
 * a change here plus its rendering. `schema.test.ts` pins the result so a drift is a conscious decision.
 *
 * Why it matters beyond export: `@tiptap/y-tiptap` drops any Y.XmlElement whose name is missing from the
 * schema it converts with, so a node the editor knows but the server does not would silently disappear from
 * every export (see the server's `read-doc.ts`, which never lets that deletion reach the live document).
 */
import type { Extensions } from '@tiptap/core';
import { Highlight } from '@tiptap/extension-highlight';
import { Link, type LinkOptions } from '@tiptap/extension-link';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { Subscript } from '@tiptap/extension-subscript';
import { Superscript } from '@tiptap/extension-superscript';
import { TableKit } from '@tiptap/extension-table';
import { TextAlign } from '@tiptap/extension-text-align';
import { Color, TextStyle } from '@tiptap/extension-text-style';
import { StarterKit, type StarterKitOptions } from '@tiptap/starter-kit';
import { Image } from './image.js';

/**
 * What a live editor view may configure: StarterKit's schema-neutral extensions, how links behave on
 * click, typing and paste, and whether table columns can be resized by dragging. Nothing here can add,
 * remove or reshape a node or mark.
 */
export type ViewBehaviour = Partial<Pick<StarterKitOptions, 'undoRedo' | 'dropcursor' | 'gapcursor' | 'trailingNode' | 'listKeymap'>> & {
  link?: Partial<Pick<LinkOptions, 'openOnClick' | 'autolink' | 'defaultProtocol' | 'linkOnPaste'>>;
  /** Column resizing only adds a plugin; the widths it writes (`colwidth`) are part of the schema either way. */
  table?: { resizable?: boolean };
};

/**
 * Tiptap's link is inclusive whenever autolink is on, so typing right after a link kept extending it.
 * Text typed at a link's end is plain text; autolink still links a URL once it is completed by a space.
 */
const NonInclusiveLink = Link.extend({ inclusive: false });

/**
 * The smallest width a column is drawn with (px). It is written into the `<colgroup>` of rendered HTML,
 * so it is fixed here for the editor and the export alike rather than being a view option.
 */
const CELL_MIN_WIDTH = 48;

/**
 * Without a view (the server, tests): history is the Collaboration extension's job, the cursors and the
 * trailing-paragraph plugin only act on a live view, the list keymap only on keys.
 */
const HEADLESS: ViewBehaviour = {
  undoRedo: false,
  dropcursor: false,
  gapcursor: false,
  trailingNode: false,
  listKeymap: false,
};

/**
 * The document's extensions, configured for a live view by `view`, or headless when it is omitted.
 *
 * @example getSchema(documentExtensions()) // the server's conversion and export schema
 */
export function documentExtensions(view: ViewBehaviour = HEADLESS): Extensions {
  const { link, table, ...kit } = view;
  return [
    StarterKit.configure({ ...kit, link: false }),
    NonInclusiveLink.configure(link ?? {}),
    TaskList,
    // `nested: true` changes the schema (a task item may hold lists).
    TaskItem.configure({ nested: true }),
    TableKit.configure({ table: { resizable: table?.resizable ?? false, cellMinWidth: CELL_MIN_WIDTH } }),
    // [UP7] Uploaded images (common/src/image.ts).
    Image,
    ...writerMarks(),
  ];
}

/**
 * A colour as the toolbar writes it (`#rrggbb`, `rgb(…)`) or a CSS colour name. Anything else is not
 * rendered: a colour goes into a `style` attribute in everyone's editor and in the HTML export, and a
 * peer could otherwise put `red; background-image: url(…)` there.
 */
export function isSafeColour(value: unknown): value is string {
  return typeof value === 'string' && /^(#[0-9a-f]{3,8}|rgba?\([\d.,\s%]+\)|[a-z]{3,20})$/i.test(value.trim());
}

/** Tiptap's text colour, rendering only safe colours (the attribute and its default are unchanged). */
const SafeColor = Color.extend({
  addGlobalAttributes() {
    return [
      {
        types: this.options.types,
        attributes: {
          color: {
            default: null,
            parseHTML: (element) => element.style.color.replace(/['"]+/g, '') || null,
            renderHTML: (attributes) => (isSafeColour(attributes['color']) ? { style: `color: ${attributes['color']}` } : {}),
          },
        },
      },
    ];
  },
});

/** Tiptap's highlight, rendering only safe colours (no colour: the default highlight). */
const SafeHighlight = Highlight.extend({
  addAttributes() {
    if (!this.options.multicolor) return {};
    return {
      color: {
        default: null,
        parseHTML: (element) => element.getAttribute('data-color') || element.style.backgroundColor || null,
        renderHTML: (attributes) => {
          const color: unknown = attributes['color'];
          return isSafeColour(color) ? { 'data-color': color, style: `background-color: ${color}; color: inherit` } : {};
        },
      },
    };
  },
});

/**
 * The writer's marks and attributes: highlight in any colour (`multicolor` adds the `color` attribute),
 * text colour (a `color` attribute on the `textStyle` mark), alignment of paragraphs and headings, and
 * sub/superscript. All render as plain HTML the export keeps; see the server's markdown export for how
 * each degrades there.
 */
function writerMarks(): Extensions {
  return [
    SafeHighlight.configure({ multicolor: true }),
    TextStyle,
    SafeColor,
    TextAlign.configure({ types: ['heading', 'paragraph'] }),
    Subscript,
    Superscript,
  ];
}

export { Image, imageWidth, safeImageSrc, MAX_IMAGE_WIDTH, MIN_IMAGE_WIDTH } from './image.js';
