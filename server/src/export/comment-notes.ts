/**
 * [CM6] Comments in an export (`&comments=1`): each thread becomes a numbered note, in document order, with a
 * marker at the end of the passage it comments on. The marker is a private-use character pair around a
 * random tag and the note's number, put into the ProseMirror document as text, so every renderer carries it to where the
 * passage ends; each format then turns it into its own reference (a Markdown footnote, an HTML link to an
 * `<aside>`). Threads whose passage is gone (detached) or lies in code get no marker; they are listed after
 * the text.
 */
import { randomBytes } from 'node:crypto';
import type { Node as PMNode } from '@tiptap/pm/model';
import { Transform } from '@tiptap/pm/transform';
import type * as Y from 'yjs';
import { readThreads, type ThreadReading } from '../comments/read-threads.js';
import { documentSchema } from './schema.js';

export interface CommentNote {
  /** 1-based, in document order (detached threads last). */
  n: number;
  thread: ThreadReading;
  /** Whether a marker stands in the text for it. */
  inline: boolean;
}

export interface PlacedNotes {
  /** The document with a marker at the end of each inline note's passage. */
  root: PMNode;
  notes: CommentNote[];
  /** Matches this export's markers (global); group 1 is the note number. */
  markers: RegExp;
}

/** The threads of `doc` as notes, and `root` (the document converted from `doc`) with their markers in it. */
export function placeNotes(doc: Y.Doc, root: PMNode): PlacedNotes {
  const threads = readThreads(doc, { isLeaf: (name) => documentSchema.nodes[name]?.isLeaf ?? false });
  // Private-use characters and a random tag: nothing a person typed, and no escaping, looks like a marker.
  const tag = randomBytes(6).toString('hex');
  const marker = (n: number) => `\uE000${tag}:${n}\uE001`;
  const notes: CommentNote[] = threads.map((thread, i) => ({ n: i + 1, thread, inline: false }));
  const transform = new Transform(root);
  // Last position first, so the positions still to come stay where they were; at one position, the
  // higher number first, so the markers read in order.
  const byEnd = notes.filter((note) => note.thread.range).sort((a, b) => b.thread.range!.to - a.thread.range!.to || b.n - a.n);
  for (const note of byEnd) {
    const at = note.thread.range!.to;
    if (at > transform.doc.content.size) continue;
    const parent = transform.doc.resolve(at).parent;
    if (!parent.inlineContent || parent.type.spec.code) continue;
    transform.insert(at, documentSchema.text(marker(note.n)));
    note.inline = true;
  }
  return { root: transform.doc, notes, markers: new RegExp(`\uE000${tag}:(\\d+)\uE001`, 'g') };
}

/** `2024-01-02 13:45` (UTC) for a time in ms; '' for none. */
export function noteTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) || ms === 0 ? '' : date.toISOString().slice(0, 16).replace('T', ' ');
}

/** The ISO time of a comment, for machine-readable attributes; '' for none. */
export function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) || ms === 0 ? '' : date.toISOString();
}
