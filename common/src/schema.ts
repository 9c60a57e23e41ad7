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
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { StarterKit, type StarterKitOptions } from '@tiptap/starter-kit';

type LinkOptions = Exclude<StarterKitOptions['link'], false>;

/**
 * What a live editor view may configure: StarterKit's schema-neutral extensions, and how links behave on
 * click, typing and paste. Nothing here can add, remove or reshape a node or mark.
 */
export type ViewBehaviour = Partial<Pick<StarterKitOptions, 'undoRedo' | 'dropcursor' | 'gapcursor' | 'trailingNode' | 'listKeymap'>> & {
  link?: Pick<LinkOptions, 'openOnClick' | 'autolink' | 'defaultProtocol' | 'linkOnPaste'>;
};

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
  return [
    StarterKit.configure(view),
    TaskList,
    // `nested: true` changes the schema (a task item may hold lists).
    TaskItem.configure({ nested: true }),
  ];
}
