import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_DIR } from './servers.js';
import type { Command } from './worker.js';

/** A load process (dist/worker.js) driven over IPC: one command at a time, each answered by one event. */
export class LoadWorker {
  private readonly child: ChildProcess;
  private waiting: { resolve: (msg: any) => void; reject: (error: Error) => void } | null = null;
  /** Who waits for the running command to say it is ready to start (`startTogether` intakes). */
  private onReady: (() => void) | null = null;
  private readonly up: Promise<void>;
  pid: number;

  constructor(readonly name: string) {
    this.child = fork(join(BENCH_DIR, 'dist/worker.js'), [], {
      execArgv: ['--max-old-space-size=4096'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.pid = this.child.pid!;
    this.up = new Promise<void>((resolve, reject) => {
      this.child.once('message', () => resolve());
      this.child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before starting`)));
    });
    this.child.on('message', (msg: { evt: string; message?: string }) => {
      if (msg.evt === 'up') return;
      if (msg.evt === 'ready') return this.onReady?.();
      const w = this.waiting;
      this.waiting = null;
      if (!w) return;
      if (msg.evt === 'error') w.reject(new Error(`${name}: ${msg.message}`));
      else w.resolve(msg);
    });
    this.child.on('exit', (code) => {
      const w = this.waiting;
      this.waiting = null;
      w?.reject(new Error(`${name} exited with ${code}`));
    });
  }

  /** Resolves when the running command says it is ready to start (then send `go`). */
  ready(): Promise<void> {
    return new Promise((resolve) => (this.onReady = resolve));
  }

  /** Lets a command waiting at `ready` start. */
  go(): void {
    this.child.send({ cmd: 'go' });
  }

  /** Sends a command and waits for its answer, at most `timeoutMs`. */
  async call<T = any>(command: Command, timeoutMs: number): Promise<T> {
    await this.up;
    if (this.waiting) throw new Error(`${this.name}: a command is already running`);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`${this.name}: '${command.cmd}' did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = {
        resolve: (msg) => {
          clearTimeout(timer);
          resolve(msg as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.child.send(command);
    });
  }

  /** Closes its clients and lets it exit; kills it if it does not within 10 s. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.call({ cmd: 'close' }, 10_000);
    } catch {
      this.child.kill('SIGKILL');
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
