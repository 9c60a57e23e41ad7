import * as Y from 'yjs';
import { COMMENTS_MAP, CONTENT_FRAGMENT } from '@tandem/common';

/** Any shared type (Yjs types its roots as `AbstractType<YEvent<any>>`). */
type SharedType = Y.AbstractType<any>;

/** One comment as stored (`createdAt` in ms since the epoch). */
export interface StoredComment {
  id: string;
  author: string;
  body: string;
  createdAt: number;
}

/** One thread, read for people: where it stands in the text now, or detached if that text is gone. */
export interface ThreadReading {
  id: string;
  /** The commented text as it reads now; the stored quote when `detached`. */
  quote: string;
  resolved: boolean;
  /** True when none of the text the thread was anchored to is left. */
  detached: boolean;
  /** Where the commented text starts and ends in the text's linear positions (see `TextIndex`); null when detached. */
  range: { from: number; to: number } | null;
  comments: StoredComment[];
}

export interface ReadOptions {
  /**
   * Which element names are leaf nodes (a hard break, an image): one position, as ProseMirror counts them,
   * rather than an opening and a closing one. Only the export needs positions ProseMirror agrees with.
   */
  isLeaf?: (nodeName: string) => boolean;
}

/**
 * [CM5] The document's threads, in document order (by where their text starts, then ends), detached threads
 * after (oldest first). Never writes to `doc`: it reads the root types through `doc.share`, because
 * `doc.getMap` / `doc.get` would create them. Entries that do not have the contract's shape (written before
 * the server checked it) are read leniently: a thread that is no map is skipped, missing fields read as
 * empty, a comment that is no map is skipped.
 */
export function readThreads(doc: Y.Doc, options: ReadOptions = {}): ThreadReading[] {
  const root = doc.share.get(COMMENTS_MAP);
  if (!root) return [];
  const index = new TextIndex(doc, options.isLeaf ?? (() => false));
  const threads: ThreadReading[] = [];
  root._map.forEach((item, id) => {
    if (item.deleted || !(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Map)) return;
    threads.push(readThread(id, item.content.type as Y.Map<unknown>, index));
  });
  const firstAt = (t: ThreadReading) => t.comments[0]?.createdAt ?? 0;
  return threads.sort((a, b) => {
    if (a.range && b.range) return a.range.from - b.range.from || a.range.to - b.range.to || compare(a.id, b.id);
    if (a.range || b.range) return a.range ? -1 : 1;
    return firstAt(a) - firstAt(b) || compare(a.id, b.id);
  });
}

function readThread(id: string, thread: Y.Map<unknown>, index: TextIndex): ThreadReading {
  const stored = thread.get('quote');
  const from = index.resolve(thread.get('from'));
  const to = index.resolve(thread.get('to'));
  const range = from !== null && to !== null && to > from ? { from, to } : null;
  const now = range ? index.textBetween(range.from, range.to) : '';
  const list = thread.get('comments');
  const comments = list instanceof Y.Array ? list.toArray().flatMap((entry: unknown) => readComment(entry)) : [];
  const detached = now.trim() === '';
  return {
    id,
    quote: detached ? (typeof stored === 'string' ? stored : '') : now,
    resolved: thread.get('resolved') === true,
    detached,
    range: detached ? null : range,
    comments,
  };
}

function readComment(entry: unknown): StoredComment[] {
  if (!(entry instanceof Y.Map)) return [];
  const text = (key: string) => {
    const value: unknown = entry.get(key);
    return typeof value === 'string' ? value : '';
  };
  const createdAt: unknown = entry.get('createdAt');
  return [{ id: text('id'), author: text('author'), body: text('body'), createdAt: typeof createdAt === 'number' && Number.isFinite(createdAt) ? createdAt : 0 }];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The rich text (`default` fragment) laid out on one line of positions, as ProseMirror counts them: each
 * character or inline embed is one position, each element opens and closes with one. Built in one walk, so
 * resolving every thread costs one pass over the document, not one per thread. (Leaf nodes take one position
 * when the caller says which they are.)
 */
class TextIndex {
  /** Position of index 0 inside each live text node, and of each child boundary of each live element. */
  private readonly textStarts = new Map<SharedType, number>();
  private readonly childStarts = new Map<SharedType, number[]>();
  /** The text, as runs at their positions; `breaks` are positions where a block ends. */
  private readonly runs: { at: number; text: string }[] = [];
  private readonly breaks: number[] = [];

  constructor(
    private readonly doc: Y.Doc,
    private readonly isLeaf: (nodeName: string) => boolean,
  ) {
    const fragment = doc.share.get(CONTENT_FRAGMENT);
    if (fragment) this.walk(fragment, 0);
  }

  /** Walks a type's live children from `at`; returns the position after them. */
  private walk(type: SharedType, at: number): number {
    const starts: number[] = [];
    let pos = at;
    for (let item = type._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue;
      const content = item.content;
      if (content instanceof Y.ContentType && content.type instanceof Y.XmlText) {
        starts.push(pos);
        this.textStarts.set(content.type as SharedType, pos);
        pos = this.walkText(content.type as SharedType, pos);
      } else if (content instanceof Y.ContentType) {
        starts.push(pos);
        const element = content.type as SharedType;
        const leaf = element instanceof Y.XmlElement && this.isLeaf(element.nodeName);
        pos = leaf ? pos + 1 : this.walk(element, pos + 1) + 1;
        this.breaks.push(pos);
      } else {
        for (let i = 0; i < item.length; i++) starts.push(pos + i);
        pos += item.length;
      }
    }
    starts.push(pos);
    this.childStarts.set(type, starts);
    return pos;
  }

  private walkText(text: SharedType, at: number): number {
    let pos = at;
    for (let item = text._start; item !== null; item = item.right) {
      if (item.deleted || !item.countable) continue;
      if (item.content instanceof Y.ContentString) this.runs.push({ at: pos, text: item.content.str });
      pos += item.length;
    }
    return pos;
  }

  /** The linear position an encoded relative position stands for now; null if it is not in the live text. */
  resolve(encoded: unknown): number | null {
    if (!(encoded instanceof Uint8Array)) return null;
    let relative: Y.RelativePosition;
    try {
      relative = Y.decodeRelativePosition(encoded);
    } catch {
      return null;
    }
    // A position naming a root by name would make Yjs create that root if it does not exist.
    if (relative.tname !== null && !this.doc.share.has(relative.tname)) return null;
    const absolute = Y.createAbsolutePositionFromRelativePosition(relative, this.doc);
    if (!absolute) return null;
    const type = absolute.type as SharedType;
    const textStart = this.textStarts.get(type);
    if (textStart !== undefined) return textStart + absolute.index;
    const starts = this.childStarts.get(type);
    return starts?.[Math.min(absolute.index, starts.length - 1)] ?? null;
  }

  /** The text between two positions, with a line break where a block ends between two runs. */
  textBetween(from: number, to: number): string {
    let out = '';
    let last = -1;
    let b = 0;
    for (const run of this.runs) {
      const end = run.at + run.text.length;
      if (end <= from || run.at >= to) continue;
      while (b < this.breaks.length && this.breaks[b]! <= run.at) {
        if (last >= 0 && this.breaks[b]! > last) out += '\n';
        b++;
      }
      out += run.text.slice(Math.max(0, from - run.at), Math.min(run.text.length, to - run.at));
      last = end;
    }
    return out.replace(/\n+/g, '\n');
  }
}
