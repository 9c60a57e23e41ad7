import type { Trace } from './intake.js';

/**
 * What Etherpad would store for an editing trace — an estimate computed from the trace, since Etherpad itself
 * cannot be installed here. Etherpad (ueberDB: one key/value row per record) keeps, per pad:
 *  - one row per revision, `pad:<id>:revs:<n>` → `{"changeset", "meta": {"author", "timestamp"}}`;
 *  - every 100th revision also carries a "key revision": the full text and its attributes (`meta.atext`)
 *    and the attribute pool (`meta.pool`), so a revision can be rebuilt without replaying from the start;
 *  - one row `pad:<id>` with the current text, pool and head, rewritten in place.
 * Each trace edit is taken as one revision (one changeset), as the bench sends one Yjs update per edit; or
 * every few edits as one, since a real Etherpad client commits at most every 500 ms and so merges the
 * keystrokes typed meanwhile (the trace has no timing, so how many is a parameter).
 *
 * Changesets are encoded as Etherpad encodes them (easysync): `Z:<old length>` `>`/`<` `<length change>`, then
 * the ops — keep to the edit (`|<lines>=<chars>` over whole lines, `=<chars>` within the line), delete
 * (`-`), insert with the author attribute (`*0+`), each op over newlines as `|<lines>` + op — then `$` and
 * the inserted characters; numbers in base 36. The byte counts are the rows' keys and JSON values as
 * stored (UTF-8), without the database's own row and index overhead.
 */
export interface EtherpadEstimate {
  revisions: number;
  /** Every revision row (key + JSON value), key revisions' extra text not included. */
  revisionBytes: number;
  keyRevisions: number;
  /** What the key revisions add to their rows: the full text with its attributes, and the pool. */
  keyRevisionBytes: number;
  /** The pad's own row (current text, pool, head). */
  padRowBytes: number;
  totalBytes: number;
}

const PAD_ID = 'g7Kq2mXcP0aZ1wEr'; // the length of a typical generated pad name
const AUTHOR = 'a.Xn3c8QdUe0vYt2pLkR'; // "a." + 16 characters, as Etherpad makes author ids
const TIMESTAMP = 1_700_000_000_000;
const POOL = { numToAttrib: { 0: ['author', AUTHOR] }, nextNum: 1 };
const KEY_REVISION_EVERY = 100;

const b36 = (n: number) => n.toString(36);
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** An op over `text` (deleted or inserted): whole lines first (`|<lines>`), then the rest of the last line. */
function linesOp(op: '-' | '+', text: string, attribs: string): string {
  const lastNewline = text.lastIndexOf('\n');
  let out = '';
  if (lastNewline >= 0) {
    let lines = 0;
    for (let i = 0; i <= lastNewline; i++) if (text.charCodeAt(i) === 10) lines++;
    out += `${attribs}|${b36(lines)}${op}${b36(lastNewline + 1)}`;
  }
  const rest = text.length - (lastNewline + 1);
  if (rest > 0) out += `${attribs}${op}${b36(rest)}`;
  return out;
}

/** The attributes of a text written by one author: the whole lines, then the tail (as Etherpad's atext). */
function atextAttribs(text: string): string {
  return linesOp('+', text, '*0');
}

/**
 * The text as lines (each with its newline, the last maybe without), so an edit's line and column are found by
 * walking line lengths rather than the whole text.
 */
class Lines {
  lines: string[] = [''];
  length = 0;

  /** Applies `del` characters deleted and `ins` inserted at `pos`; returns the line, its start and the deleted text. */
  splice(pos: number, del: number, ins: string): { line: number; lineStart: number; deleted: string } {
    let i = 0;
    let start = 0;
    while (i < this.lines.length - 1 && start + this.lines[i]!.length <= pos) start += this.lines[i++]!.length;
    // The lines the edit touches: from line i until the deletion's end is covered.
    let j = i;
    let end = start + this.lines[i]!.length;
    while (end < pos + del && j < this.lines.length - 1) end += this.lines[++j]!.length;
    const region = this.lines.slice(i, j + 1).join('');
    const at = pos - start;
    const deleted = region.slice(at, at + del);
    let changed = region.slice(0, at) + ins + region.slice(at + del);
    // A deleted newline joins the next line to this one.
    while (j < this.lines.length - 1 && !changed.endsWith('\n')) changed += this.lines[++j]!;
    const split = changed.split(/(?<=\n)/);
    if (j === this.lines.length - 1 && changed.endsWith('\n')) split.push('');
    this.lines.splice(i, j - i + 1, ...(split.length ? split : ['']));
    this.length += ins.length - deleted.length;
    return { line: i, lineStart: start, deleted };
  }

  text(): string {
    return this.lines.join('');
  }
}

/**
 * The estimate for `txns`, with `editsPerRevision` consecutive edits committed as one revision (1: every edit
 * its own; Etherpad's client merges what was typed within its 500 ms commit interval). A merged revision's
 * changeset is counted as the sum of its edits' changesets, an upper bound for the composed one. `endText`
 * (the trace's text after `txns`) checks that the line model replayed them exactly.
 */
export function estimateEtherpad(txns: Trace['txns'], endText: string, editsPerRevision = 1): EtherpadEstimate {
  const doc = new Lines();
  let revisions = 0;
  let revisionBytes = 0;
  let keyRevisions = 0;
  let keyRevisionBytes = 0;
  let pending = '';
  let pendingEdits = 0;
  const commit = () => {
    const changeset = pending;
    pending = '';
    pendingEdits = 0;
    const rev = ++revisions;
    const key = `pad:${PAD_ID}:revs:${rev}`;
    const meta: Record<string, unknown> = { author: AUTHOR, timestamp: TIMESTAMP };
    const plain = utf8(JSON.stringify({ changeset, meta }));
    revisionBytes += utf8(key) + plain;
    if (rev % KEY_REVISION_EVERY === 0) {
      // Etherpad's text always ends with a newline.
      const text = `${doc.text()}\n`;
      meta.pool = POOL;
      meta.atext = { text, attribs: atextAttribs(text) };
      keyRevisions++;
      keyRevisionBytes += utf8(JSON.stringify({ changeset, meta })) - plain;
    }
  };
  for (const txn of txns) {
    for (const [pos, del, ins] of txn.patches) {
      const oldLength = doc.length;
      const { line, lineStart, deleted } = doc.splice(pos, del, ins);
      const change = doc.length - oldLength;
      let ops = '';
      if (line > 0) ops += `|${b36(line)}=${b36(lineStart)}`;
      if (pos > lineStart) ops += `=${b36(pos - lineStart)}`;
      if (deleted) ops += linesOp('-', deleted, '');
      if (ins) ops += linesOp('+', ins, '*0');
      pending += `Z:${b36(oldLength)}${change >= 0 ? '>' : '<'}${b36(Math.abs(change))}${ops}$${ins}`;
      if (++pendingEdits === editsPerRevision) commit();
    }
  }
  if (pendingEdits > 0) commit();
  if (doc.text() !== endText) throw new Error('the Etherpad estimate replayed the trace to a different text');
  const text = `${endText}\n`;
  const padRow = { atext: { text, attribs: atextAttribs(text) }, pool: POOL, head: revisions, chatHead: -1, publicStatus: false, savedRevisions: [] };
  const padRowBytes = utf8(`pad:${PAD_ID}`) + utf8(JSON.stringify(padRow));
  return { revisions, revisionBytes, keyRevisions, keyRevisionBytes, padRowBytes, totalBytes: revisionBytes + keyRevisionBytes + padRowBytes };
}
