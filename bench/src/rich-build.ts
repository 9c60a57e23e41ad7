/**
 * The documents of the `rich-doc` scenario, built as the editor holds them: ProseMirror JSON checked against
 * Tandem's own document schema (`@tandem/common/schema`, compiled in common/dist: the table, tableRow,
 * tableHeader, tableCell and image nodes as the editor defines them) and converted into the `default`
 * XmlFragment by the editor's own binding (`@tiptap/y-tiptap`), on the root's Yjs — bench has its own copy and
 * Yjs checks classes by identity, so the result leaves here as an encoded update, never as objects.
 *
 * - rich: `sections` sections, each a heading, a paragraph with bold and a link, a 4 × 3 table (a header row),
 *   an image, a second paragraph and another image — 50 tables and 100 images at full size.
 * - plain: paragraphs of plain text only, as many as make its encoded state about as large as the rich one's.
 * In each, one paragraph near the middle starts with `TYPING_MARKER`: the writer types there.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as YT from 'yjs';
import { REPO_ROOT } from './servers.js';

/** The paragraph the writer types into begins with this (found by content: its index depends on the seed). */
export const TYPING_MARKER = 'Typing goes here: ';

type Json = { type: string; attrs?: Record<string, unknown>; content?: Json[]; text?: string; marks?: { type: string; attrs?: Record<string, unknown> }[] };

interface PmNode {
  check(): void;
  nodeSize: number;
  textContent: string;
}
interface Schema {
  nodeFromJSON(json: Json): PmNode;
}

export interface BuiltDoc {
  /** The whole document as one update (what the writer sends, what a fresh client must end with). */
  update: Uint8Array;
  /** Characters of text in the document, all nodes together. */
  chars: number;
  tables: number;
  images: number;
  paragraphs: number;
}

const WORDS = 'collaborative documents hold text tables images comments history every keystroke travels through the server to each reader within milliseconds while the document grows'.split(' ');

/** Deterministic prose: `n` characters or a little more. */
function prose(seed: number, n: number): string {
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length < n; i++) {
    const word = WORDS[(seed * 7 + i * 13) % WORDS.length]!;
    out.push(word);
    length += word.length + 1;
  }
  const text = out.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

const paragraph = (...content: Json[]): Json => ({ type: 'paragraph', content });
const text = (t: string, marks?: Json['marks']): Json => (marks ? { type: 'text', text: t, marks } : { type: 'text', text: t });
const cell = (type: 'tableCell' | 'tableHeader', t: string): Json => ({ type, attrs: { colspan: 1, rowspan: 1, colwidth: null }, content: [paragraph(text(t))] });

function richJson(sections: number, imageSrcs: string[]): Json {
  const content: Json[] = [];
  const middle = Math.floor(sections / 2);
  for (let s = 0; s < sections; s++) {
    const rows: Json[] = [{ type: 'tableRow', content: ['Item', 'Owner', 'Status'].map((h) => cell('tableHeader', h)) }];
    for (let r = 1; r < 4; r++) rows.push({ type: 'tableRow', content: [0, 1, 2].map((c) => cell('tableCell', prose(s * 12 + r * 3 + c, 18))) });
    const image = (i: number): Json => ({ type: 'image', attrs: { src: imageSrcs[i % imageSrcs.length], alt: `Figure ${i + 1}`, title: null, width: 160 + (i % 5) * 40 } });
    content.push(
      { type: 'heading', attrs: { level: 2 }, content: [text(`Section ${s + 1}`)] },
      paragraph(text(prose(s, 160)), text(' Important: ', [{ type: 'bold' }]), text('see the notes', [{ type: 'link', attrs: { href: `https://example.com/notes/${s}` } }]), text('.')),
      { type: 'table', content: rows },
      image(2 * s),
      paragraph(text(`${s === middle ? TYPING_MARKER : ''}${prose(s + 1000, 200)}`)),
      image(2 * s + 1),
    );
  }
  return { type: 'doc', content };
}

function plainJson(paragraphs: number): Json {
  const middle = Math.floor(paragraphs / 2);
  return { type: 'doc', content: Array.from({ length: paragraphs }, (_, i) => paragraph(text(`${i === middle ? TYPING_MARKER : ''}${prose(i, 300)}`))) };
}

interface Toolkit {
  Y: typeof YT;
  schema: Schema;
  toFragment(schema: Schema, json: Json, fragment: YT.XmlFragment): void;
}

let toolkit: Promise<Toolkit> | undefined;
/** Tandem's schema, the editor's binding and the Yjs they use — the root's packages, not bench's. */
function loadToolkit(): Promise<Toolkit> {
  const dist = (path: string) => pathToFileURL(join(REPO_ROOT, path)).href;
  toolkit ??= (async () => {
    // Yjs warns when a second copy loads, because objects of one copy break the other's class checks. Here none
    // ever crosses (what leaves is an encoded update), so the flag it sets is cleared rather than warned about.
    delete (globalThis as Record<string, unknown>)['__ $YJS$ __'];
    const Y = (await import(dist('node_modules/yjs/dist/yjs.mjs'))) as typeof YT;
    const { getSchema } = (await import(dist('node_modules/@tiptap/core/dist/index.js'))) as { getSchema(extensions: unknown): Schema };
    const { documentExtensions } = (await import(dist('common/dist/schema.js'))) as { documentExtensions(): unknown };
    const yTiptap = (await import(dist('node_modules/@tiptap/y-tiptap/dist/y-tiptap.js'))) as {
      prosemirrorJSONToYXmlFragment(schema: Schema, json: Json, fragment: YT.XmlFragment): YT.XmlFragment;
    };
    return { Y, schema: getSchema(documentExtensions()), toFragment: (schema, json, fragment) => void yTiptap.prosemirrorJSONToYXmlFragment(schema, json, fragment) };
  })();
  return toolkit;
}

function count(json: Json, type: string): number {
  return (json.type === type ? 1 : 0) + (json.content ?? []).reduce((n, child) => n + count(child, type), 0);
}

async function build(json: Json): Promise<BuiltDoc> {
  const { Y, schema, toFragment } = await loadToolkit();
  // Refuses anything the editor's schema would not hold (unknown node, wrong content, e.g. a table without rows).
  const node = schema.nodeFromJSON(json);
  node.check();
  const doc = new Y.Doc();
  toFragment(schema, json, doc.getXmlFragment('default'));
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return { update, chars: node.textContent.length, tables: count(json, 'table'), images: count(json, 'image'), paragraphs: count(json, 'paragraph') };
}

/** The rich document: `sections` sections (a table and two images each), images from `imageSrcs` in turn. */
export function buildRichDoc(sections: number, imageSrcs: string[]): Promise<BuiltDoc> {
  return build(richJson(sections, imageSrcs));
}

/** Plain paragraphs whose encoded state is about `bytes` long (the rich document's, for a fair comparison). */
export async function buildPlainDoc(bytes: number): Promise<BuiltDoc> {
  const probe = await build(plainJson(20));
  return build(plainJson(Math.max(3, Math.round((bytes * 20) / probe.update.byteLength))));
}
