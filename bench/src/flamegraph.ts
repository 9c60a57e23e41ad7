import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One frame of the merged call tree: time spent in it and below it (ms), by caller path. */
interface Frame {
  label: string;
  area: string;
  total: number;
  children: Map<string, Frame>;
}

const WIDTH = 1200;
const ROW = 16;
/** Frames narrower than this are left out (their time still counts in their parent's width). */
const MIN_PX = 0.4;

/** Colour by where the code lives: Tandem's own, Yjs/lib0, Node, V8 (GC, program), anything else. */
function colour(area: string): string {
  if (area === 'tandem') return '#e8743b';
  if (area === 'yjs') return '#4f8fd8';
  if (area === 'node') return '#8fb35b';
  if (area === 'v8') return '#b0b0b0';
  return '#c9a227';
}

function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? 'v8' : 'node';
  if (url.startsWith('node:')) return 'node';
  if (/chunks\/(yjs|decoding|encoding)-/.test(url) || /node_modules\/(yjs|lib0)\//.test(url)) return 'yjs';
  if (/server\/dist\//.test(url)) return 'tandem';
  return 'other';
}

function labelOf(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const file = frame.url.replace(/^file:\/\//, '').replace(/^.*server\/dist\//, '').replace(/^.*node_modules\//, '');
  return `${name} ${file}:${frame.lineNumber + 1}`;
}

/** Adds one profile into `root`, merging frames with the same label under the same caller path. */
function merge(root: Frame, profile: CpuProfile): void {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const walk = (node: ProfileNode, into: Frame): number => {
    let total = node.callFrame.functionName === '(idle)' ? 0 : (self.get(node.id) ?? 0);
    for (const childId of node.children ?? []) {
      const child = byId.get(childId)!;
      const label = labelOf(child.callFrame);
      let frame = into.children.get(label);
      if (!frame) {
        frame = { label, area: areaOf(child.callFrame.url, child.callFrame.functionName), total: 0, children: new Map() };
        into.children.set(label, frame);
      }
      const t = walk(child, frame);
      frame.total += t;
      total += t;
    }
    return total;
  };
  root.total += walk(profile.nodes[0]!, root);
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An icicle-style flame graph (callers on top), with each frame's time and share in its tooltip. */
function render(root: Frame, title: string): string {
  const rects: string[] = [];
  let depth = 0;
  const scale = WIDTH / Math.max(root.total, 1e-9);
  const draw = (frame: Frame, x: number, level: number) => {
    const w = frame.total * scale;
    if (w < MIN_PX) return;
    depth = Math.max(depth, level);
    const y = 24 + level * ROW;
    const share = ((frame.total / root.total) * 100).toFixed(1);
    const text = w > 40 ? `<text x="${(x + 3).toFixed(1)}" y="${y + 12}" clip-path="url(#c${rects.length})">${escape(frame.label)}</text>` : '';
    const clip = w > 40 ? `<clipPath id="c${rects.length}"><rect x="${x.toFixed(1)}" y="${y}" width="${(w - 1).toFixed(1)}" height="${ROW - 1}"/></clipPath>` : '';
    rects.push(
      `<g><title>${escape(frame.label)} — ${frame.total.toFixed(0)} ms (${share} %)</title>${clip}<rect x="${x.toFixed(1)}" y="${y}" width="${Math.max(w - 0.5, 0.3).toFixed(1)}" height="${ROW - 1}" fill="${colour(frame.area)}"/>${text}</g>`,
    );
    let cx = x;
    for (const child of [...frame.children.values()].sort((a, b) => b.total - a.total)) {
      draw(child, cx, level + 1);
      cx += child.total * scale;
    }
  };
  let x = 0;
  for (const child of [...root.children.values()].sort((a, b) => b.total - a.total)) {
    draw(child, x, 0);
    x += child.total * scale;
  }
  const height = 24 + (depth + 1) * ROW + 22;
  const legend = [['tandem', 'Tandem'], ['yjs', 'Yjs / lib0'], ['node', 'Node'], ['v8', 'V8 (GC, program)'], ['other', 'other']]
    .map(([a, name], i) => `<rect x="${i * 150}" y="${height - 16}" width="12" height="12" fill="${colour(a!)}"/><text x="${i * 150 + 16}" y="${height - 6}">${name}</text>`)
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="0" y="14" font-size="13">${escape(title)}</text>`,
    ...rects,
    legend,
    '</svg>',
  ].join('\n');
}

/**
 * One flame graph per scenario from every `.cpuprofile` under `dir/<scenario>/` (all Tandem processes of that
 * scenario merged), written to `outDir/flame-<scenario>.svg`. Returns the files written.
 */
export function writeFlameGraphs(dir: string, outDir: string): string[] {
  if (!existsSync(dir)) return [];
  const written: string[] = [];
  for (const scenario of readdirSync(dir).sort()) {
    const files = readdirSync(join(dir, scenario)).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length === 0) continue;
    const root: Frame = { label: 'all', area: 'v8', total: 0, children: new Map() };
    for (const file of files) merge(root, JSON.parse(readFileSync(join(dir, scenario, file), 'utf8')) as CpuProfile);
    const out = join(outDir, `flame-${scenario}.svg`);
    const title = `Tandem server CPU, ${scenario}: ${(root.total / 1000).toFixed(2)} s busy over ${files.length} process(es); width = time, callers above callees`;
    writeFileSync(out, render(root, title));
    written.push(out);
  }
  return written;
}
