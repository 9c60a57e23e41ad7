/** Running the compiled `tandem` CLI as a child process, exactly as an operator does. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import type { StoredVersion } from '../../src/storage/doc-store.js';
import { SERVER_DIR } from '../integration/support.js';

export const DIST_CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tandem <args>` with only `env` (and PATH) in its environment. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [DIST_CLI, ...args],
      { cwd: SERVER_DIR, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** A Yjs document edited step by step, each step's update captured (what a store's log holds). */
export class Writer {
  readonly doc = new Y.Doc({ gc: false });
  readonly updates: Uint8Array[] = [];

  constructor() {
    this.doc.on('update', (update: Uint8Array) => this.updates.push(update));
  }

  type(text: string): Uint8Array {
    this.doc.getText('t').insert(this.doc.getText('t').length, text);
    return this.updates[this.updates.length - 1]!;
  }

  get text(): string {
    return this.doc.getText('t').toString();
  }

  /** A real version of the current state. */
  version(id: string, second: number): StoredVersion {
    return {
      id,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
      name: second % 2 ? `named ${id}` : null,
      kind: second % 2 ? 'named' : 'auto',
      authors: [{ name: 'Ada', color: '#ff8800' }],
      inserted: second,
      deleted: 0,
      changes: this.updates.length,
      snapshot: Y.encodeSnapshot(Y.snapshot(this.doc)),
    };
  }
}

/** The text `t` of a document rebuilt from a snapshot and log. */
export function textOf(stored: { snapshot: Uint8Array | null; log: Uint8Array[] } | null): string {
  const doc = new Y.Doc({ gc: false });
  if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored?.log ?? []) Y.applyUpdate(doc, u);
  return doc.getText('t').toString();
}
