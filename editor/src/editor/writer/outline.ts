/** The document's outline: its headings in order, with their level and where they are. */
import type { Node as PMNode } from '@tiptap/pm/model';

export interface OutlineEntry {
  level: number;
  text: string;
  /** Position just before the heading node. */
  pos: number;
}

/** Every heading of the document (including those inside lists, quotes and tables), top to bottom. */
export function outlineOf(doc: PMNode): OutlineEntry[] {
  const out: OutlineEntry[] = [];
  doc.descendants((node, pos) => {
    if (node.type.name === 'heading') {
      out.push({ level: Number(node.attrs['level']) || 1, text: node.textContent.trim(), pos });
      return false;
    }
    return !node.isTextblock;
  });
  return out;
}

/** Whether two outlines read the same (so a keystroke inside a paragraph does not re-render the panel). */
export function sameOutline(a: readonly OutlineEntry[], b: readonly OutlineEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => e.level === b[i]?.level && e.text === b[i]?.text && e.pos === b[i]?.pos);
}

/**
 * How far each entry is indented: its level relative to the levels above it, so a document that starts
 * at heading 2 is not indented throughout, and a jump from 1 to 4 indents one step, not three.
 */
export function indentsOf(entries: readonly OutlineEntry[]): number[] {
  const stack: number[] = [];
  return entries.map((entry) => {
    while (stack.length > 0 && (stack[stack.length - 1] ?? 0) >= entry.level) stack.pop();
    stack.push(entry.level);
    return stack.length - 1;
  });
}
