/**
 * The Dockerfile, checked without a Docker engine: linted, held to our rules (a supported Node LTS, a non-root
 * user, the data volume, liveness health checks), and its runtime stage replayed outside Docker — the layout
 * its COPY lines build, started with its ENV and CMD — so the image's start command is known to work.
 */
import { spawn, execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../integration/support.js';
import { waitFor } from '../support/harness.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** Node lines in active or maintenance LTS on the day this was written (Node 20 left maintenance in April 2026). */
const SUPPORTED_LTS = [22, 24];

describe('Dockerfile', () => {
  let text: string;
  let stages: Instruction[][];
  beforeAll(async () => {
    text = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
    stages = [];
    for (const instruction of DockerfileParser.parse(text).getInstructions()) {
      if (instruction.getKeyword() === 'FROM') stages.push([]);
      stages.at(-1)!.push(instruction);
    }
  });
  const args = (stage: Instruction[], keyword: string) => stage.filter((i) => i.getKeyword() === keyword).map((i) => i.getArgumentsContent() ?? '');
  const runtime = () => stages.at(-1)!;

  it('lints clean', () => {
    expect(validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('builds and runs on a supported Node LTS, as a non-root user, with DATA_DIR a volume and liveness as the health check', () => {
    for (const stage of stages) {
      const [image] = args(stage, 'FROM')[0]!.split(/\s+/);
      const major = /^node:(\d+)-/.exec(image!)?.[1];
      expect(SUPPORTED_LTS, `${image} is not a supported Node LTS`).toContain(Number(major));
    }
    const users = args(runtime(), 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users.at(-1)!.split(':')[0]);
    const env = Object.fromEntries(args(runtime(), 'ENV').flatMap((line) => line.split(/\s+/).map((pair) => pair.split('=') as [string, string])));
    expect(JSON.parse(args(runtime(), 'VOLUME')[0]!)).toContain(env.DATA_DIR);
    // A database outage must not get healthy containers killed: the health check asks liveness, not readiness.
    expect(args(runtime(), 'HEALTHCHECK')[0]).toContain('/livez');
    expect(args(runtime(), 'STOPSIGNAL')).toEqual(['SIGTERM']);
  });

  it('builds with the same steps as outside Docker: npm ci as CI installs, then the root build script', async () => {
    const [install, build] = args(stages[0]!, 'RUN');
    expect(install).toBe('npm ci --no-audit --no-fund');
    expect(await readFile(join(ROOT, '.ci/run'), 'utf8')).toContain(install);
    expect(build).toMatch(/^npm run build && npm prune --omit=dev/);
    // `npm start` ends in the same entry point the image runs.
    expect(JSON.parse(args(runtime(), 'CMD')[0]!)).toEqual(['node', 'server/dist/main.js']);
    expect(await readFile(join(ROOT, 'scripts/start.mjs'), 'utf8')).toContain("'server/dist/main.js'");
  });

  describe('its runtime stage, replayed outside Docker', () => {
    let layout: string;
    let dataDir: string;
    beforeAll(async () => {
      layout = await mkdtemp(join(tmpdir(), 'tandem-image-'));
      dataDir = await mkdtemp(join(tmpdir(), 'tandem-image-data-'));
    });
    afterAll(async () => {
      await rm(layout, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    });

    it('the layout its COPY lines build starts with its ENV and CMD, serves, passes its HEALTHCHECK and stops on SIGTERM with 0', async () => {
      for (const copy of runtime().filter((i) => i.getKeyword() === 'COPY')) {
        const [from, to] = (copy.getArgumentsContent() ?? '').split(/\s+/);
        expect(copy.getTextContent()).toMatch(/^COPY --from=build /);
        const source = join(ROOT, from!.replace(/^\/app\/?/, ''));
        const target = join(layout, to!.endsWith('/') ? join(to!, from!.split('/').at(-1)!) : to!);
        await mkdir(join(target, '..'), { recursive: true });
        // The editor bundle is built by the e2e suite (pages are tested there); dependencies are linked, not copied.
        if (from!.endsWith('/editor/dist')) continue;
        if (from!.endsWith('/node_modules')) await symlink(source, target);
        else await cp(source, target, { recursive: true });
      }
      const env = Object.fromEntries(args(runtime(), 'ENV').flatMap((l) => l.split(/\s+/).map((pair) => pair.split('=') as [string, string])));
      const port = await freePort();
      const [command, ...commandArgs] = JSON.parse(args(runtime(), 'CMD')[0]!) as string[];
      expect(command).toBe('node');
      const child = spawn(process.execPath, commandArgs, {
        cwd: layout,
        // The image's environment; only the address and the volume's place differ on this machine.
        env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const url = `http://127.0.0.1:${port}`;
        await waitFor(() => fetch(`${url}/livez`).then((r) => r.ok, () => false), `the image's CMD serves /livez (output: ${output})`, 15_000);
        expect((await fetch(`${url}/api/docs`, { method: 'POST' })).status).toBe(201);
        // The HEALTHCHECK command itself, as Docker would run it inside the container.
        const check = args(runtime(), 'HEALTHCHECK')[0]!.replace(/^.*?CMD\s+/, '');
        execFileSync('sh', ['-c', check], { env: { PATH: process.env.PATH ?? '', PORT: String(port) }, timeout: 5000 });
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    }, 30_000);
  });
});
