import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * One history entry [HI2]: who made one change to a document, when, and which Yjs ids it inserted and
 * deleted. Stores keep entries as opaque bytes; this module is the only one that reads or writes them.
 */

/** How a change reached the document. */
export const CHANGE_SOURCES = ['socket', 'restore', 'revert', 'migration', 'api'] as const;
export type ChangeSource = (typeof CHANGE_SOURCES)[number];

/** Who made a change, as the server knew them when it was accepted. */
export interface ChangeAuthor {
  /** The connection (or request) the change came through: random per connection. */
  session: string;
  /** The name the connection announced in its awareness state, or a fixed name for server changes. */
  name: string;
  /** `#rrggbb`, or null when none was announced. */
  color: string | null;
  scope: string;
  generation: number;
  /** A verified user id once sign-in exists; null for link-based access. */
  user: string | null;
  source: ChangeSource;
}

/** `[client, clock, length]`: a run of Yjs ids. */
export type IdRun = [client: number, clock: number, length: number];

export interface HistoryEntry {
  /** When the server accepted the change (ms since the epoch). */
  at: number;
  author: ChangeAuthor;
  /** The ids the change created. */
  inserted: readonly IdRun[];
  /** The ids the change deleted. */
  deleted: readonly IdRun[];
}

/** Bumped when the layout changes; entries of other formats are skipped by `decodeEntries`. */
const FORMAT = 2;
/** Flag: the entry declares its author (the first entry of that author written by this room). */
const DECLARES_AUTHOR = 1;

/**
 * Writes entries compactly: an author (session, name, colour, scope…) is spelled out once, in the first
 * entry that needs it, under a random reference; later entries carry only the reference. A typed character
 * then costs ~20 bytes of history instead of ~50. Each entry still stands alone as one append, in order.
 */
export class EntryEncoder {
  private readonly refs = new Map<string, number>();
  /**
   * Each session's latest author and its reference: a session's entries (one typist's keystrokes, even
   * between other people's) skip building the key while its author stays the same.
   */
  private readonly bySession = new Map<string, { author: ChangeAuthor; ref: number }>();
  /** One encoder reused for every entry (emptied after each): a fresh one allocates a buffer per entry. */
  private readonly encoder = encoding.createEncoder();

  encode(entry: HistoryEntry): Uint8Array {
    const { author } = entry;
    const known = this.bySession.get(author.session);
    let ref = known && sameAuthor(known.author, author) ? known.ref : undefined;
    let declares = false;
    if (ref === undefined) {
      const key = JSON.stringify([author.session, author.name, author.color, author.scope, author.generation, author.user, author.source]);
      ref = this.refs.get(key);
      if (ref === undefined) {
        declares = true;
        // Random, so references of other rooms' encoders (other instances, earlier loads) do not collide.
        ref = Math.floor(Math.random() * 0x3fffffff) + 1;
        this.refs.set(key, ref);
      }
      this.bySession.set(author.session, { author, ref });
    }
    const { encoder } = this;
    encoder.cpos = 0;
    encoder.bufs.length = 0;
    encoding.writeVarUint(encoder, FORMAT);
    encoding.writeVarUint(encoder, declares ? DECLARES_AUTHOR : 0);
    encoding.writeVarUint(encoder, ref);
    if (declares) {
      encoding.writeVarString(encoder, author.session);
      encoding.writeVarString(encoder, author.name);
      encoding.writeVarString(encoder, author.color ?? '');
      encoding.writeVarString(encoder, author.scope);
      encoding.writeVarUint(encoder, author.generation);
      encoding.writeVarString(encoder, author.user ?? '');
      encoding.writeVarUint(encoder, CHANGE_SOURCES.indexOf(author.source));
    }
    encoding.writeVarUint(encoder, entry.at);
    writeRuns(encoder, entry.inserted);
    writeRuns(encoder, entry.deleted);
    return encoding.toUint8Array(encoder);
  }
}

function sameAuthor(a: ChangeAuthor, b: ChangeAuthor): boolean {
  return (
    a === b ||
    (a.session === b.session &&
      a.name === b.name &&
      a.color === b.color &&
      a.scope === b.scope &&
      a.generation === b.generation &&
      a.user === b.user &&
      a.source === b.source)
  );
}

/** An author no readable entry declared (its declaring entry was lost): history shows it as unknown. */
const UNDECLARED: ChangeAuthor = { session: '', name: 'Unknown', color: null, scope: 'edit', generation: 0, user: null, source: 'socket' };

/**
 * One entry as `EntryReader` read it, valid until its next `read` (which reuses this object): runs are flat
 * `client, clock, length` triples. A whole history is read through one view, with no object per entry
 * beyond its two short run lists.
 */
export interface EntryView {
  at: number;
  /** Shared by every entry of that author. */
  author: ChangeAuthor;
  inserted: number[];
  deleted: number[];
}

/**
 * Reads a document's entries in order, one at a time. Entries that cannot be read (another format, damage)
 * are skipped: their ids then count as written by nobody known. Entries of one author share one `author`.
 */
export class EntryReader {
  readonly view: EntryView = { at: 0, author: UNDECLARED, inserted: [], deleted: [] };
  private readonly authors = new Map<number, ChangeAuthor>();
  private readonly recent = new RecentEntries();
  private readonly decoder = decoding.createDecoder(new Uint8Array(0));

  /** Reads `bytes` into `view`; false when they are not a readable entry, or repeat one read before. */
  read(bytes: Uint8Array): boolean {
    const { decoder, view } = this;
    // lib0 types its buffer as backed by an ArrayBuffer; it only reads it, whatever backs it.
    decoder.arr = bytes as typeof decoder.arr;
    decoder.pos = 0;
    // Fresh lists are cheaper than emptying the last ones (setting `length` is a call into the runtime).
    view.inserted = [];
    view.deleted = [];
    try {
      readOne(decoder, this.authors, view);
    } catch {
      return false;
    }
    // A batch retried after a lost commit reply (PostgreSQL, [PG7]) comes back once more after itself.
    return !this.recent.seen(view.inserted);
  }
}

/** Every readable entry of `raw`, in order, as objects (see `EntryReader`). */
export function decodeEntries(raw: readonly Uint8Array[]): HistoryEntry[] {
  const reader = new EntryReader();
  const { view } = reader;
  const entries: HistoryEntry[] = [];
  for (const bytes of raw) {
    if (reader.read(bytes)) entries.push({ at: view.at, author: view.author, inserted: runsOf(view.inserted), deleted: runsOf(view.deleted) });
  }
  return entries;
}

/** Flat `client, clock, length` triples as runs; the shared empty list when there are none. */
function runsOf(flat: readonly number[]): readonly IdRun[] {
  if (flat.length === 0) return NO_RUNS;
  const runs: IdRun[] = [];
  for (let i = 0; i < flat.length; i += 3) runs.push([flat[i]!, flat[i + 1]!, flat[i + 2]!]);
  return runs;
}

/**
 * Recognises an entry read again: a client's ids are created in order, so a genuine entry always inserts
 * beyond what earlier entries inserted for that client. (A repeated deletion-only entry is harmless: it
 * names the same deleter for the same ids.)
 */
class RecentEntries {
  private readonly insertedUpTo = new Map<number, number>();

  /** `inserted`: flat `client, clock, length` triples. */
  seen(inserted: readonly number[]): boolean {
    if (inserted.length === 0) return false;
    let old = true;
    for (let i = 0; i < inserted.length && old; i += 3) old = inserted[i + 1]! < (this.insertedUpTo.get(inserted[i]!) ?? 0);
    if (old) return true;
    for (let i = 0; i < inserted.length; i += 3) {
      const client = inserted[i]!;
      const end = inserted[i + 1]! + inserted[i + 2]!;
      if (end > (this.insertedUpTo.get(client) ?? 0)) this.insertedUpTo.set(client, end);
    }
    return false;
  }
}

function readOne(decoder: decoding.Decoder, authors: Map<number, ChangeAuthor>, view: EntryView): void {
  const format = decoding.readVarUint(decoder);
  if (format !== FORMAT) throw new Error(`unknown history entry format ${format}`);
  const flags = decoding.readVarUint(decoder);
  const ref = decoding.readVarUint(decoder);
  let author = authors.get(ref);
  if (flags & DECLARES_AUTHOR) {
    const session = decoding.readVarString(decoder);
    const name = decoding.readVarString(decoder);
    const color = decoding.readVarString(decoder) || null;
    const scope = decoding.readVarString(decoder);
    const generation = decoding.readVarUint(decoder);
    const user = decoding.readVarString(decoder) || null;
    const source = CHANGE_SOURCES[decoding.readVarUint(decoder)];
    if (!source) throw new Error('unknown change source in history entry');
    author = { session, name, color, scope, generation, user, source };
    authors.set(ref, author);
  }
  view.at = decoding.readVarUint(decoder);
  view.author = author ?? UNDECLARED;
  readRuns(decoder, view.inserted);
  readRuns(decoder, view.deleted);
}

function writeRuns(encoder: encoding.Encoder, runs: readonly IdRun[]): void {
  encoding.writeVarUint(encoder, runs.length);
  for (const [client, clock, length] of runs) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarUint(encoder, length);
  }
}

/** What most entries delete (and a deletion inserts): one shared empty list, not one per decoded entry. */
const NO_RUNS: readonly IdRun[] = Object.freeze([]);

/** Appends the runs at the decoder's position to `out` as flat triples. */
function readRuns(decoder: decoding.Decoder, out: number[]): void {
  const count = decoding.readVarUint(decoder);
  // Every run takes at least three bytes: a count larger than what is left is not an entry.
  if (count * 3 > decoder.arr.length - decoder.pos) throw new Error('history entry is truncated');
  for (let i = 0; i < count; i++) {
    out.push(decoding.readVarUint(decoder), decoding.readVarUint(decoder), decoding.readVarUint(decoder));
  }
}
