import type { ServerKind } from './servers.js';
import { SERVER_LABEL } from './servers.js';

export const ORDER: ServerKind[] = ['tandem', 'tandem-nohist', 'ywss', 'hocus', 'relay'];
/** The Yjs peers the ratios are taken against (the relay is the physical floor, not a Yjs server). */
export const PEERS: ServerKind[] = ['ywss', 'hocus'];
export const COLORS: Record<ServerKind | 'floor', string> = {
  tandem: '#2563eb',
  'tandem-nohist': '#93c5fd',
  ywss: '#f59e0b',
  hocus: '#10b981',
  relay: '#9ca3af',
  floor: '#6b7280',
};

export interface Metric<R> {
  label: string;
  unit: string;
  better: 'lower' | 'higher' | 'none';
  get: (r: R) => number;
  digits?: number;
  /** Custom cell text (no ratio). */
  text?: (value: number) => string;
}

export interface Table {
  title: string;
  note?: string;
  columns: string[];
  /** Column headers (the servers' names, or the columns' labels of a `buildColumnTable`). */
  labels: string[];
  rows: { label: string; unit: string; cells: { value: number; ratio: number; text: string }[] }[];
}

export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 10_000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(Math.min(digits, 1));
  return value.toFixed(Math.max(digits, 2));
}

/** Builds a table: one column per server, each cell the value and its ratio to the best Yjs peer. */
export function buildTable<R>(title: string, results: Partial<Record<ServerKind, R>>, metrics: Metric<R>[], note?: string): Table {
  const columns = ORDER.filter((k) => results[k] !== undefined);
  const rows = metrics.map((m) => {
    const peerValues = PEERS.map((k) => (results[k] ? m.get(results[k]!) : NaN)).filter((v) => Number.isFinite(v));
    const best = m.better === 'lower' ? Math.min(...peerValues) : Math.max(...peerValues);
    const cells = columns.map((k) => {
      const value = m.get(results[k]!);
      const ratio = m.better === 'none' || !Number.isFinite(best) || best === 0 ? NaN : value / best;
      const text = m.text ? m.text(value) : `${fmt(value, m.digits)}${Number.isFinite(ratio) && Number.isFinite(value) ? ` (${ratio.toFixed(2)}×)` : ''}`;
      return { value, ratio, text };
    });
    return { label: m.label, unit: m.unit, cells };
  });
  return { title, note, columns, labels: columns.map((k) => SERVER_LABEL[k]), rows };
}

/**
 * A table over arbitrary columns (not servers): each cell the value and its ratio to the `reference` column's
 * value — e.g. Tandem on 1, 2 and 3 instances, ratios to 1 instance.
 */
export function buildColumnTable<R>(
  title: string,
  columns: { key: string; label: string; result: R }[],
  reference: string,
  metrics: Metric<R>[],
  note?: string,
): Table {
  const ref = columns.find((c) => c.key === reference)?.result;
  const rows = metrics.map((m) => {
    const base = ref === undefined ? NaN : m.get(ref);
    const cells = columns.map((c) => {
      const value = m.get(c.result);
      const ratio = m.better === 'none' || !Number.isFinite(base) || base === 0 ? NaN : value / base;
      const text = m.text ? m.text(value) : `${fmt(value, m.digits)}${Number.isFinite(ratio) && Number.isFinite(value) ? ` (${ratio.toFixed(2)}×)` : ''}`;
      return { value, ratio, text };
    });
    return { label: m.label, unit: m.unit, cells };
  });
  return { title, note, columns: columns.map((c) => c.key), labels: columns.map((c) => c.label), rows };
}

export function tableToText(t: Table): string {
  const header = ['', ...t.labels];
  const body = t.rows.map((r) => [`${r.label}${r.unit ? ` (${r.unit})` : ''}`, ...r.cells.map((c) => c.text)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [`\n${t.title}`, line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line), ...(t.note ? [t.note] : [])].join('\n');
}

export function tableToMarkdown(t: Table): string {
  const header = `| | ${t.labels.join(' | ')} |`;
  const sep = `| --- | ${t.columns.map(() => '---:').join(' | ')} |`;
  const body = t.rows.map((r) => `| ${r.label}${r.unit ? ` (${r.unit})` : ''} | ${r.cells.map((c) => c.text).join(' | ')} |`);
  return [header, sep, ...body].join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface BarGroup {
  label: string;
  bars: { key: ServerKind | 'floor'; label: string; value: number; note?: string; /** Overrides the key's colour. */ color?: string }[];
}

/** A plain horizontal grouped bar chart as SVG (no library): one row per bar, groups separated. */
export function barChart(title: string, unit: string, groups: BarGroup[], better: 'lower' | 'higher'): string {
  const width = 760;
  const labelW = 170;
  const valueW = 150;
  const barH = 16;
  const gap = 4;
  const groupGap = 14;
  const top = 44;
  const plotW = width - labelW - valueW - 20;
  const max = Math.max(...groups.flatMap((g) => g.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0))), 1e-9);
  let y = top;
  const parts: string[] = [];
  for (const g of groups) {
    if (g.label) {
      parts.push(`<text x="10" y="${y + 11}" font-weight="bold" font-size="12">${esc(g.label)}</text>`);
      y += 18;
    }
    for (const b of g.bars) {
      const w = Number.isFinite(b.value) ? Math.max(1, (b.value / max) * plotW) : 0;
      parts.push(`<text x="${labelW - 8}" y="${y + 12}" text-anchor="end" font-size="12">${esc(b.label)}</text>`);
      if (w > 0) parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${b.color ?? COLORS[b.key]}" rx="2"/>`);
      const valueText = Number.isFinite(b.value) ? `${fmt(b.value)} ${unit}${b.note ? ` ${b.note}` : ''}` : 'n/a';
      parts.push(`<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 12}" font-size="12">${esc(valueText)}</text>`);
      y += barH + gap;
    }
    y += groupGap;
  }
  const height = y + 6;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="10" y="36" font-size="11" fill="#555">${better === 'lower' ? 'shorter is better' : 'longer is better'}</text>`,
    ...parts,
    `</svg>`,
    '',
  ].join('\n');
}

export interface LineSeries {
  key: ServerKind;
  label: string;
  /** [x, y] points in order. */
  points: [number, number][];
  /** Written after the series' last point (e.g. "stopped at 120 s"). */
  note?: string;
}

/**
 * A plain line chart as SVG (no library): one polyline per series, a linear x axis from 0 and a logarithmic y
 * axis (a rate that falls to a tenth shows as the same drop wherever it starts), a legend on top.
 */
export function lineChart(title: string, xUnit: string, yUnit: string, series: LineSeries[], better: 'lower' | 'higher'): string {
  const width = 760;
  const height = 360;
  const left = 70;
  const right = 150;
  const top = 62;
  const bottom = 46;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const xs = series.flatMap((s) => s.points.map(([x]) => x)).filter((x) => Number.isFinite(x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y)).filter((y) => Number.isFinite(y) && y > 0);
  const maxX = Math.max(1e-9, ...xs);
  const lo = ys.length ? Math.floor(Math.log10(Math.min(...ys))) : 0;
  const hi = ys.length ? Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...ys)))) : 1;
  const px = (x: number) => left + (Math.max(0, x) / maxX) * plotW;
  const py = (y: number) => top + plotH - ((Math.log10(Math.max(y, 10 ** lo)) - lo) / (hi - lo)) * plotH;
  const parts: string[] = [];
  for (let e = lo; e <= hi; e++) {
    for (const m of e < hi ? [1, 2, 5] : [1]) {
      const v = m * 10 ** e;
      const y = py(v).toFixed(1);
      parts.push(`<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="${m === 1 ? '#d1d5db' : '#f3f4f6'}"/>`);
      parts.push(`<text x="${left - 6}" y="${(Number(y) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#555">${esc(fmt(v, 0))}</text>`);
    }
  }
  for (let i = 0; i <= 4; i++) {
    const v = (maxX * i) / 4;
    parts.push(`<text x="${px(v).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle" font-size="11" fill="#555">${esc(fmt(v, 0))}</text>`);
  }
  parts.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#9ca3af"/>`);
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#9ca3af"/>`);
  parts.push(`<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle" font-size="11" fill="#555">${esc(xUnit)}</text>`);
  parts.push(`<text x="14" y="${top + plotH / 2}" text-anchor="middle" font-size="11" fill="#555" transform="rotate(-90 14 ${top + plotH / 2})">${esc(`${yUnit} (log scale)`)}</text>`);
  series.forEach((s, i) => {
    const color = COLORS[s.key];
    parts.push(`<rect x="${left + i * 150}" y="44" width="12" height="4" fill="${color}"/>`);
    parts.push(`<text x="${left + i * 150 + 16}" y="50" font-size="11">${esc(s.label)}</text>`);
    const points = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && y > 0);
    if (points.length === 0) {
      if (s.note) parts.push(`<text x="${left + 6}" y="${top + plotH - 6 - i * 14}" font-size="11" fill="${color}">${esc(`${s.label}: ${s.note}`)}</text>`);
      return;
    }
    const d = points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const [x, y] of points) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2.5" fill="${color}"/>`);
    const [lx, ly] = points.at(-1)!;
    if (s.note) parts.push(`<text x="${(px(lx) + 6).toFixed(1)}" y="${(py(ly) + 4).toFixed(1)}" font-size="11" fill="${color}">${esc(s.note)}</text>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="10" y="36" font-size="11" fill="#555">${better === 'lower' ? 'lower is better' : 'higher is better'}</text>`,
    ...parts,
    `</svg>`,
    '',
  ].join('\n');
}
