/**
 * The document schema, as the server sees it. This is the single source of truth for node and mark names,
 * attributes and content rules: the editor configures the same extensions (plus its editor-only behaviour),
 * and `test/export/schema.test.ts` pins the resulting names and attributes so a drift is caught.
 *
 * Why it matters beyond export: `@tiptap/y-tiptap` drops any Y.XmlElement whose name is missing from the
 * schema it converts with, so a node the editor knows but the server does not silently disappears from
 * every export (see `read-doc.ts`, which never lets that deletion reach the live document).
 */
import { getSchema, type Extensions } from '@tiptap/core';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { StarterKit } from '@tiptap/starter-kit';

export const documentExtensions: Extensions = [
  StarterKit.configure({
    // Schema-neutral editor behaviour, switched off because the server never runs an editor view:
    // history is the Collaboration extension's job (and `undoRedo: false` in the editor too), the
    // cursors and the trailing-paragraph plugin only act on a live view, the list keymap only on keys.
    // Link's `openOnClick: false` is click behaviour as well, so it is not repeated here.
    undoRedo: false,
    dropcursor: false,
    gapcursor: false,
    trailingNode: false,
    listKeymap: false,
  }),
  TaskList,
  // `nested: true` changes the schema (a task item may hold lists), so it must match the editor.
  TaskItem.configure({ nested: true }),
];

export const documentSchema = getSchema(documentExtensions);
