/**
 * Who wrote which part of the live text. The server's attribution (`GET …/history/attribution`) names the
 * author of runs of Yjs item ids; this editor's Y.Doc holds the very same items, so walking its `default`
 * fragment in document order gives each run a ProseMirror position without asking the server about
 * positions (which shift with every keystroke).
 */
import type { HistoryAttribution } from '@tandem/common/api';
import type { Schema } from '@tiptap/pm/model';
import * as Y from 'yjs';

/** Neighbouring text by one author written this close in time counts as one stretch. */
export const SAME_SITTING_MS = 10 * 60_000;

/** One attribution run: `[client, clock, length, author index, at (ms)]`. */
type Run = HistoryAttribution['runs'][number];

/** A stretch of the ProseMirror document one author wrote. `from`/`to` are ProseMirror positions. */
export interface AuthorSpan {
  from: number;
  to: number;
  /** Index into the attribution's `authors`. */
  author: number;
  /** When it was written (ms since the epoch). */
  at: number;
}

/** Attribution runs sorted per client, for "who wrote clock c of client k" by binary search. */
export class AttributionIndex {
  private readonly byClient = new Map<number, Run[]>();

  constructor(runs: readonly Run[]) {
    for (const run of runs) {
      const list = this.byClient.get(run[0]);
      if (list) list.push(run);
      else this.byClient.set(run[0], [run]);
    }
    for (const list of this.byClient.values()) list.sort((a, b) => a[1] - b[1]);
  }

  /**
   * Calls `visit` for consecutive pieces of the id range `[clock, clock + length)` of `client`, with the
   * run that covers each piece or null where none does (text from before history was kept).
   */
  cover(client: number, clock: number, length: number, visit: (offset: number, length: number, run: Run | null) => void): void {
    const runs = this.byClient.get(client);
    const end = clock + length;
    if (!runs) {
      visit(0, length, null);
      return;
    }
    let i = Math.max(0, lastRunStartingAtOrBefore(runs, clock));
    let at = clock;
    while (at < end) {
      while (i < runs.length && (runs[i] as Run)[1] + (runs[i] as Run)[2] <= at) i++;
      const run = runs[i];
      if (!run) {
        visit(at - clock, end - at, null);
        return;
      }
      // Before the next run starts, nobody is named; then the run covers as far as it goes.
      const stop = run[1] > at ? Math.min(end, run[1]) : Math.min(end, run[1] + run[2]);
      visit(at - clock, stop - at, run[1] > at ? null : run);
      at = stop;
    }
  }
}

function lastRunStartingAtOrBefore(runs: readonly Run[], clock: number): number {
  let lo = 0;
  let hi = runs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((runs[mid] as Run)[1] <= clock) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * How an element counts in ProseMirror positions: a node with content opens and closes (+1 each, content
 * between), a leaf (hard break, rule) is 1, and a name the schema does not know is dropped by the binding.
 */
export type NodeKind = 'container' | 'leaf' | 'unknown';

/** How a Y element of each name counts in ProseMirror positions under `schema`. */
export function nodeKindOf(schema: Schema): (nodeName: string) => NodeKind {
  return (name) => {
    const type = schema.nodes[name];
    return !type ? 'unknown' : type.isLeaf ? 'leaf' : 'container';
  };
}

/**
 * Walks `fragment` (the Y.XmlFragment the editor is bound to) in document order, in step with the
 * ProseMirror positions the binding gives the same content, and returns who wrote each stretch of text,
 * neighbours by the same author within SAME_SITTING_MS merged. `size` is the content size the walk arrived at:
 * compare it with `doc.content.size` to know the two were in step.
 */
export function authorSpans(
  fragment: Y.XmlFragment,
  index: AttributionIndex,
  kindOf: (nodeName: string) => NodeKind,
): { spans: AuthorSpan[]; size: number } {
  const spans: AuthorSpan[] = [];
  let pos = 0;

  const add = (from: number, to: number, run: Run) => {
    const last = spans[spans.length - 1];
    // One stretch per sitting, not one per keystroke: fewer decorations, and the hover names when it began.
    if (last && last.to === from && last.author === run[3] && Math.abs(run[4] - last.at) <= SAME_SITTING_MS) {
      last.to = to;
      last.at = Math.min(last.at, run[4]);
    } else {
      spans.push({ from, to, author: run[3], at: run[4] });
    }
  };

  const walkText = (text: Y.XmlText) => {
    for (let item = text._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue; // formatting (marks) takes no position
      if (item.content instanceof Y.ContentString) {
        const start = pos;
        index.cover(item.id.client, item.id.clock, item.length, (offset, length, run) => {
          if (run) add(start + offset, start + offset + length, run);
        });
      }
      pos += item.length; // an embed counts as one position, like an inline leaf
    }
  };

  const walkChildren = (parent: Y.XmlFragment | Y.XmlElement) => {
    for (let item = parent._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable || !(item.content instanceof Y.ContentType)) continue;
      const child = item.content.type;
      if (child instanceof Y.XmlText) {
        walkText(child);
      } else if (child instanceof Y.XmlElement) {
        const kind = kindOf(child.nodeName);
        if (kind === 'leaf') pos += 1;
        else if (kind === 'container') {
          pos += 1;
          walkChildren(child);
          pos += 1;
        }
      }
    }
  };

  walkChildren(fragment);
  return { spans, size: pos };
}
