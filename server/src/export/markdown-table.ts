/**
 * Tables as GFM pipe tables. GFM has no merged cells, block content in cells or header-less tables, so:
 * - a merged cell's content goes in its top-left slot and the slots it covers stay empty (the grid is laid
 *   out the way prosemirror-tables' `TableMap` does, so every row has every column);
 * - a cell is one line: its blocks are joined with `<br>` (see `markdown.ts`, which also turns headings
 *   and code blocks inside cells into inline content);
 * - the first row is the header row when all its cells are header cells; otherwise the header row is
 *   left empty, since promoting a body row would change what the table says.
 */
import type { JSONContent } from '@tiptap/core';

type Align = 'left' | 'center' | 'right';

interface Slot {
  /** The cell whose top-left corner is here, or null where a merged cell from the left or above covers it. */
  cell: JSONContent | null;
}

/** Columns wider than this are not padded: one long cell would otherwise pad every row of its column. */
const MAX_PADDED_WIDTH = 40;

/**
 * A GFM table for a `table` node; `renderCell` gives a cell's content as Markdown (it may span lines).
 * Returns '' for a table without cells.
 */
export function gfmTable(table: JSONContent, renderCell: (cell: JSONContent) => string): string {
  const grid = layOut(table);
  const width = Math.max(0, ...grid.map((row) => row.length));
  if (width === 0) return '';
  for (const row of grid) while (row.length < width) row.push({ cell: null });

  const firstRow = grid[0]!.filter((slot) => slot.cell);
  const hasHeader = firstRow.length > 0 && firstRow.every((slot) => slot.cell?.type === 'tableHeader');
  const text = grid.map((row) => row.map((slot) => (slot.cell ? cellLine(renderCell(slot.cell)) : '')));
  const header = hasHeader ? text[0]! : new Array<string>(width).fill('');
  const body = hasHeader ? text.slice(1) : text;
  const aligns = Array.from({ length: width }, (_, column) => columnAlign(grid, column));

  const widths = Array.from({ length: width }, (_, column) => {
    const widest = Math.max(3, ...[header, ...body].map((line) => displayWidth(line[column]!)));
    return widest <= MAX_PADDED_WIDTH ? widest : 0;
  });
  const line = (cells: string[]) => `| ${cells.map((cell, column) => pad(cell, widths[column]!)).join(' | ')} |`;
  const delimiter = aligns.map((align, column) => {
    const colons = align === 'center' ? 2 : align ? 1 : 0;
    const dashes = '-'.repeat(Math.max(1, (widths[column] || 3) - colons));
    return align === 'center' ? `:${dashes}:` : align === 'left' ? `:${dashes}` : align === 'right' ? `${dashes}:` : dashes;
  });
  return [line(header), `| ${delimiter.join(' | ')} |`, ...body.map(line)].join('\n');
}

/**
 * One table cell's Markdown as a single line: line ends become `<br>` (indentation after them would be
 * dropped by any reader anyway) and every `|` is escaped, which GFM requires even inside code spans.
 * A `|` never follows an odd run of backslashes here (text escaping escapes a backslash before
 * punctuation), so the added backslash always makes the run odd and the pipe escaped.
 */
export function cellLine(markdown: string): string {
  return markdown
    .trim()
    .replace(/[ \t]*\n[ \t]*/g, '<br>')
    .replace(/\|/g, '\\|');
}

/** Rows of slots, with spans resolved: a cell goes in the first slot of its row not covered from above. */
function layOut(table: JSONContent): Slot[][] {
  const rows = table.content ?? [];
  const grid: Slot[][] = rows.map(() => []);
  const covered = rows.map(() => new Set<number>());
  rows.forEach((row, r) => {
    let column = 0;
    for (const cell of row.content ?? []) {
      while (covered[r]!.has(column)) column++;
      const colspan = span(cell.attrs?.['colspan']);
      const rowspan = Math.min(span(cell.attrs?.['rowspan']), rows.length - r);
      for (let dr = 0; dr < rowspan; dr++) {
        for (let dc = 0; dc < colspan; dc++) {
          covered[r + dr]!.add(column + dc);
          grid[r + dr]![column + dc] = { cell: dr === 0 && dc === 0 ? cell : null };
        }
      }
      column += colspan;
    }
  });
  // A row whose cells all sit further right (covered from above) has holes before them.
  return grid.map((row) => Array.from(row, (slot) => slot ?? { cell: null }));
}

function span(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 1;
}

/** The alignment of the first cell in the column that has one; GFM aligns whole columns only. */
function columnAlign(grid: Slot[][], column: number): Align | null {
  for (const row of grid) {
    const align = row[column]?.cell?.attrs?.['align'];
    if (align === 'left' || align === 'center' || align === 'right') return align;
  }
  return null;
}

function displayWidth(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
