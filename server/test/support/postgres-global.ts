/**
 * One PostgreSQL server for the whole test run, shared by every test that needs a database (each test
 * works in a schema of its own, see test/storage/pg/helpers.ts).
 *
 * Creating a cluster takes seconds, so the server is started in the background: this setup returns at
 * once and the next global setup (the server build) runs meanwhile. Tests learn the outcome through a small
 * status file whose path they `inject('postgresStatusFile')`: `{ "url": … }` once the server accepts
 * connections, `{ "error": … }` if it could not start. Missing server binaries fail the run right here.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findPostgresBinDir, startPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresStatusFile: string;
  }
}

export default function setup(project: TestProject): () => Promise<void> {
  findPostgresBinDir();
  const statusFile = join(tmpdir(), `tandem-pg-status-${randomBytes(6).toString('hex')}.json`);
  const starting = startPostgres();
  const reported = starting.then(
    (server) => writeFile(statusFile, JSON.stringify({ url: server.url })),
    (err: unknown) => writeFile(statusFile, JSON.stringify({ error: err instanceof Error ? err.message : String(err) })),
  );
  project.provide('postgresStatusFile', statusFile);
  return async () => {
    await reported;
    const server = await starting.catch(() => null);
    await server?.destroy();
    await rm(statusFile, { force: true });
  };
}
