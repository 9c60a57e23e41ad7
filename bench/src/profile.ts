import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives, coarsely: the package, Tandem's own file, or a V8/Node bucket. */
function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const dist = /server\/dist\/(.*)$/.exec(url);
  if (dist) return `tandem:${dist[1]}`;
  return url.split('/').slice(-2).join('/');
}

/** Self time per function and per package for every .cpuprofile under `dir/<scenario>/`. */
export function summarizeProfiles(dir: string, top = 25): string {
  if (!existsSync(dir)) return 'no profiles';
  const out: string[] = [];
  for (const scenario of readdirSync(dir).sort()) {
    const files = readdirSync(join(dir, scenario)).filter((f) => f.endsWith('.cpuprofile'));
    const selfFn = new Map<string, number>();
    const selfArea = new Map<string, number>();
    let total = 0;
    for (const file of files) {
      const profile = JSON.parse(readFileSync(join(dir, scenario, file), 'utf8')) as CpuProfile;
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples.forEach((id, i) => {
        const node = byId.get(id)!;
        const { functionName, url, lineNumber } = node.callFrame;
        if (functionName === '(idle)') return;
        const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
        total += dt;
        const short = url ? url.replace(/^.*node_modules\//, '').replace(/^.*server\/dist\//, 'server/dist/').replace(/^file:\/\//, '') : '';
        const key = `${functionName || '(anonymous)'}  ${short}${url ? `:${lineNumber + 1}` : ''}`;
        selfFn.set(key, (selfFn.get(key) ?? 0) + dt);
        const a = area(url, functionName);
        selfArea.set(a, (selfArea.get(a) ?? 0) + dt);
      });
    }
    const pct = (v: number) => `${((v / total) * 100).toFixed(1).padStart(5)} %`;
    out.push(`== Tandem CPU profile: ${scenario} (${files.length} process(es), ${(total / 1000).toFixed(2)} s busy) ==`);
    out.push('-- self time by package / file --');
    for (const [k, v] of [...selfArea].sort((a, b) => b[1] - a[1]).slice(0, 15)) out.push(`${pct(v)}  ${(v).toFixed(0).padStart(7)} ms  ${k}`);
    out.push('-- self time by function --');
    for (const [k, v] of [...selfFn].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`${pct(v)}  ${(v).toFixed(0).padStart(7)} ms  ${k}`);
    out.push('');
  }
  return out.join('\n');
}
