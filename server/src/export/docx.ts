/**
 * DOCX export: the document's ProseMirror tree as a Word file, written with the `docx` library. Headings,
 * paragraphs with their marks (bold, italic, underline, strike, code, links), bullet, numbered and task
 * lists (nested), quotes, code blocks, tables (spans and header rows), horizontal rules, hard breaks and the
 * title; comment notes [CM6] as superscript `[n]` references and a "Comments" section after the text.
 * Loaded on the first DOCX export only (the library is large).
 */
import type { Mark, Node as PMNode } from '@tiptap/pm/model';
import {
  AlignmentType,
  BorderStyle,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ILevelsOptions,
  type IRunOptions,
  type ParagraphChild,
} from 'docx';
import { noteTime, type PlacedNotes } from './comment-notes.js';

type Block = Paragraph | Table;

/** Where a block sits: how deep in lists and quotes. */
interface Place {
  /** List nesting (0 outside lists). */
  depth: number;
  /** Quote nesting. */
  quote: number;
}

const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
] as const;

const MONO = 'Courier New';
const CODE_SHADING = { type: ShadingType.CLEAR, color: 'auto', fill: 'F2F2F2' } as const;
/** Word's indentation unit: twips (1/20 pt); 360 = a quarter inch per list level, 720 per quote. */
const LIST_INDENT = 360;
const QUOTE_INDENT = 720;
const LIST_LEVELS = 9;
const BULLETS = ['•', '◦', '▪'];

/** Only these reach a Word hyperlink; any other href stays plain text. */
const SAFE_LINK = /^(https?:|mailto:)/i;

/**
 * The document as DOCX bytes. `root` is read synchronously (the caller may hold a lease on the room only
 * meanwhile); the packing that follows is asynchronous.
 */
export function toDocx(root: PMNode, title: string, placed?: PlacedNotes): Promise<Uint8Array<ArrayBuffer>> {
  const writer = new DocxWriter(placed);
  const children: Block[] = [];
  if (title) children.push(new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(title)] }));
  root.forEach((node) => children.push(...writer.block(node, { depth: 0, quote: 0 })));
  if (placed && placed.notes.length > 0) children.push(...writer.notes(placed));
  const document = new Document({
    creator: 'Tandem',
    title: title || 'Untitled',
    numbering: { config: writer.numberingConfig() },
    sections: [{ children }],
  });
  return Packer.toBuffer(document).then((buffer) => Uint8Array.from(buffer));
}

/** Turns blocks into `docx` paragraphs and tables; keeps the numbering each ordered list needs. */
class DocxWriter {
  /** One numbering definition per distinct ordered-list start; each list is an instance of it (so it restarts). */
  private readonly orderedStarts = new Set<number>();
  private listInstances = 0;

  constructor(private readonly placed: PlacedNotes | undefined) {}

  block(node: PMNode, place: Place): Block[] {
    switch (node.type.name) {
      case 'paragraph':
        return [this.paragraph(node, place)];
      case 'heading': {
        const level = Math.min(Math.max(Number(node.attrs.level) || 1, 1), 6);
        return [new Paragraph({ heading: HEADINGS[level - 1], children: this.inline(node), ...this.quoteStyle(place) })];
      }
      case 'blockquote':
        return this.children(node, { ...place, quote: place.quote + 1 });
      case 'codeBlock':
        return [this.codeBlock(node, place)];
      case 'horizontalRule':
        return [new Paragraph({ border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: 'A0A0A0', space: 1 } }, children: [] })];
      case 'bulletList':
        return this.list(node, place, { reference: 'bullet', instance: 0 });
      case 'orderedList': {
        const start = Math.max(0, Math.floor(Number(node.attrs.start ?? 1)) || 0);
        this.orderedStarts.add(start);
        return this.list(node, place, { reference: `ordered-${start}`, instance: ++this.listInstances });
      }
      case 'taskList':
        return this.list(node, place, null);
      case 'table':
        return [this.table(node)];
      case 'image': {
        // [UP8] Linked, as the HTML export links it (its src carries a fresh view token); the alt text names it.
        const src = typeof node.attrs.src === 'string' ? node.attrs.src : '';
        const label = `[Image${node.attrs.alt ? `: ${String(node.attrs.alt)}` : ''}]`;
        const run = SAFE_LINK.test(src)
          ? new ExternalHyperlink({ link: src, children: [new TextRun({ text: label, style: 'Hyperlink' })] })
          : new TextRun(label);
        return [new Paragraph({ children: [run], ...this.quoteStyle(place) })];
      }
      default:
        // A block this exporter does not know: its text, so nothing is lost.
        return node.isTextblock ? [this.paragraph(node, place)] : this.children(node, place);
    }
  }

  /** The "Comments" section: one paragraph per thread, one per comment under it. */
  notes(placed: PlacedNotes): Block[] {
    const blocks: Block[] = [new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun('Comments')] })];
    for (const { n, thread } of placed.notes) {
      const quote = thread.quote ? ` “${thread.quote.replace(/\s+/g, ' ').trim()}”` : '';
      const state = `${thread.detached ? ' (text no longer there)' : ''}${thread.resolved ? ' (resolved)' : ''}`;
      blocks.push(new Paragraph({ children: [new TextRun({ text: `[${n}]`, bold: true }), new TextRun(`${quote}${state}`)] }));
      for (const comment of thread.comments) {
        const time = noteTime(comment.createdAt);
        blocks.push(
          new Paragraph({
            indent: { left: QUOTE_INDENT },
            children: [
              new TextRun({ text: `${comment.author || 'Someone'}${time ? ` (${time})` : ''}: `, bold: true }),
              ...lines(comment.body, {}),
            ],
          }),
        );
      }
    }
    return blocks;
  }

  /** Word numbering definitions: bullets, and each ordered-list start used. */
  numberingConfig(): { reference: string; levels: ILevelsOptions[] }[] {
    const levels = (format: (typeof LevelFormat)[keyof typeof LevelFormat], text: (level: number) => string, start = 1) =>
      Array.from({ length: LIST_LEVELS }, (_, level) => ({
        level,
        format,
        text: text(level),
        start,
        alignment: AlignmentType.LEFT,
        style: { paragraph: { indent: { left: LIST_INDENT * (level + 2), hanging: LIST_INDENT } } },
      }));
    return [
      { reference: 'bullet', levels: levels(LevelFormat.BULLET, (level) => BULLETS[level % BULLETS.length]!) },
      ...[...this.orderedStarts].map((start) => ({
        reference: `ordered-${start}`,
        levels: levels(LevelFormat.DECIMAL, (level) => `%${level + 1}.`, start),
      })),
    ];
  }

  private children(node: PMNode, place: Place): Block[] {
    const blocks: Block[] = [];
    node.forEach((child) => blocks.push(...this.block(child, place)));
    return blocks;
  }

  private paragraph(node: PMNode, place: Place, extra: { numbering?: { reference: string; level: number; instance: number }; prefix?: string } = {}): Paragraph {
    const children = this.inline(node);
    if (extra.prefix) children.unshift(new TextRun(extra.prefix));
    return new Paragraph({
      children,
      ...this.quoteStyle(place),
      ...(extra.numbering ? { numbering: extra.numbering } : {}),
    });
  }

  /** Quotes are indented with a bar on the left; list items take their indentation from the numbering. */
  private quoteStyle(place: Place): Partial<ConstructorParameters<typeof Paragraph>[0] & object> {
    const left = place.quote * QUOTE_INDENT + (place.depth > 0 ? LIST_INDENT * (place.depth + 1) : 0);
    if (left === 0) return {};
    return {
      indent: { left },
      ...(place.quote > 0 ? { border: { left: { style: BorderStyle.SINGLE, size: 12, color: 'C0C0C0', space: 8 } } } : {}),
    };
  }

  /**
   * A list: each item's first paragraph carries the bullet or number (a task item its box), the item's
   * other blocks are indented under it, nested lists go one level deeper.
   */
  private list(node: PMNode, place: Place, numbering: { reference: string; instance: number } | null): Block[] {
    const level = Math.min(place.depth, LIST_LEVELS - 1);
    const inner: Place = { ...place, depth: place.depth + 1 };
    const blocks: Block[] = [];
    node.forEach((item) => {
      let first = true;
      item.forEach((child) => {
        if (first && child.isTextblock) {
          first = false;
          if (numbering) {
            blocks.push(this.paragraph(child, { ...place, depth: 0 }, { numbering: { ...numbering, level } }));
          } else {
            blocks.push(this.paragraph(child, inner, { prefix: item.attrs.checked ? '☑ ' : '☐ ' }));
          }
          return;
        }
        first = false;
        blocks.push(...this.block(child, inner));
      });
    });
    return blocks;
  }

  private codeBlock(node: PMNode, place: Place): Paragraph {
    return new Paragraph({
      shading: CODE_SHADING,
      ...this.quoteStyle(place),
      children: lines(node.textContent, { font: MONO }),
    });
  }

  private table(node: PMNode): Table {
    const rows: TableRow[] = [];
    node.forEach((row) => {
      const cells: TableCell[] = [];
      let allHeaders = row.childCount > 0;
      row.forEach((cell) => {
        const header = cell.type.name === 'tableHeader';
        if (!header) allHeaders = false;
        const content: Block[] = [];
        cell.forEach((child) => content.push(...this.block(child, { depth: 0, quote: 0 })));
        cells.push(
          new TableCell({
            children: content.length > 0 ? content : [new Paragraph({})],
            columnSpan: Math.max(1, Number(cell.attrs.colspan) || 1),
            rowSpan: Math.max(1, Number(cell.attrs.rowspan) || 1),
            ...(header ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'EDEDED' } } : {}),
          }),
        );
      });
      rows.push(new TableRow({ children: cells, tableHeader: allHeaders }));
    });
    return new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } });
  }

  /** The inline content of a textblock as runs; links become Word hyperlinks. */
  private inline(node: PMNode): ParagraphChild[] {
    const out: ParagraphChild[] = [];
    node.forEach((child) => {
      if (child.type.name === 'hardBreak') {
        out.push(new TextRun({ break: 1 }));
        return;
      }
      if (!child.isText || !child.text) return;
      const options = runOptions(child.marks);
      const link = child.marks.find((mark) => mark.type.name === 'link');
      const href = typeof link?.attrs.href === 'string' ? link.attrs.href : '';
      if (href && SAFE_LINK.test(href)) {
        out.push(new ExternalHyperlink({ link: href, children: this.textRuns(child.text, { ...options, style: 'Hyperlink' }) }));
      } else out.push(...this.textRuns(child.text, options));
    });
    return out;
  }

  /** Text as runs, with each comment marker [CM6] as a superscript `[n]`. */
  private textRuns(text: string, options: IRunOptions): TextRun[] {
    const markers = this.placed?.markers;
    if (!markers) return [new TextRun({ ...options, text })];
    const runs: TextRun[] = [];
    let last = 0;
    for (const match of text.matchAll(markers)) {
      if (match.index > last) runs.push(new TextRun({ ...options, text: text.slice(last, match.index) }));
      runs.push(new TextRun({ text: `[${match[1]}]`, superScript: true }));
      last = match.index + match[0].length;
    }
    if (last < text.length) runs.push(new TextRun({ ...options, text: text.slice(last) }));
    return runs;
  }
}

/** A run's formatting from ProseMirror marks. */
function runOptions(marks: readonly Mark[]): IRunOptions {
  const options: { -readonly [K in keyof IRunOptions]: IRunOptions[K] } = {};
  for (const mark of marks) {
    switch (mark.type.name) {
      case 'bold':
        options.bold = true;
        break;
      case 'italic':
        options.italics = true;
        break;
      case 'strike':
        options.strike = true;
        break;
      case 'underline':
        options.underline = {};
        break;
      case 'code':
        options.font = MONO;
        options.shading = CODE_SHADING;
        break;
    }
  }
  return options;
}

/** Text with line breaks as runs separated by Word line breaks. */
function lines(text: string, options: IRunOptions): TextRun[] {
  return text.split('\n').map((line, i) => new TextRun({ ...options, text: line, ...(i > 0 ? { break: 1 } : {}) }));
}
