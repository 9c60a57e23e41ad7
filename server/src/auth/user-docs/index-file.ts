import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Scope } from '@tandem/common';

/** One document in a person's list: how they came to it, what it grants them, what it was called. */
export interface UserDocEntry {
  id: string;
  /** `created`: they created it signed in; `opened`: they opened a link to it signed in. */
  role: 'created' | 'opened';
  /** The strongest scope they have held it with, and at which link generation [R3]. */
  scope: Scope;
  generation: number;
  /** The title when they last opened or renamed it (the list shows live titles of open documents). */
  title: string;
  /** ISO 8601: when they last opened it (or created it). */
  openedAt: string;
}

/** The per-person document lists [ID7]. */
export interface UserDocIndex {
  list(sub: string): Promise<UserDocEntry[]>;
  /** Adds or refreshes `entry` (a stronger scope wins at the same generation; `created` stays). */
  record(sub: string, entry: UserDocEntry): Promise<void>;
  update(sub: string, id: string, change: Partial<Pick<UserDocEntry, 'title'>>): Promise<void>;
  forget(sub: string, id: string): Promise<void>;
  /** Removes document `id` from every list (it was deleted): no trace of its id stays under DATA_DIR. */
  forgetEverywhere(id: string): Promise<void>;
}

const SCOPE_RANK: Record<Scope, number> = { view: 0, comment: 1, edit: 2 };

/** An entry recorded again: the newer wins, but a stronger scope at the same generation and `created` stay. */
export function mergeEntry(known: UserDocEntry, entry: UserDocEntry): UserDocEntry {
  const keepScope = known.generation === entry.generation && SCOPE_RANK[known.scope] > SCOPE_RANK[entry.scope];
  return { ...entry, role: known.role === 'created' ? 'created' : entry.role, scope: keepScope ? known.scope : entry.scope };
}

/** The key of a person's list: the hash of their subject, so the subject itself is stored nowhere. */
export const userKey = (sub: string) => createHash('sha256').update(sub).digest('hex');

/** Most documents one person's list keeps (the least recently opened go first). */
export const MAX_ENTRIES = 2000;

/**
 * [ID7] The lists in files: `DATA_DIR/users/<sha256(sub)>.json`, one per person — the subject never reaches
 * a path, only its hash. Each change reads, changes and replaces the file (temp file, fsync, rename) under a
 * per-person queue, so concurrent changes of one list do not lose each other.
 */
export class FileUserDocIndex implements UserDocIndex {
  private readonly dir: string;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    dataDir: string,
    /** Internal (tests): a smaller bound than `MAX_ENTRIES`. */
    private readonly maxEntries = MAX_ENTRIES,
  ) {
    this.dir = join(dataDir, 'users');
  }

  private path(sub: string): string {
    return join(this.dir, `${userKey(sub)}.json`);
  }

  list(sub: string): Promise<UserDocEntry[]> {
    return this.read(this.path(sub));
  }

  private async read(path: string): Promise<UserDocEntry[]> {
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as { docs?: unknown };
      return Array.isArray(parsed.docs) ? (parsed.docs as UserDocEntry[]) : [];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  record(sub: string, entry: UserDocEntry): Promise<void> {
    return this.change(sub, (docs) => {
      const known = docs.find((doc) => doc.id === entry.id);
      if (!known) return [entry, ...docs].slice(0, this.maxEntries);
      return [mergeEntry(known, entry), ...docs.filter((doc) => doc.id !== entry.id)];
    });
  }

  update(sub: string, id: string, change: Partial<Pick<UserDocEntry, 'title'>>): Promise<void> {
    return this.change(sub, (docs) => docs.map((doc) => (doc.id === id ? { ...doc, ...change } : doc)));
  }

  forget(sub: string, id: string): Promise<void> {
    return this.change(sub, (docs) => docs.filter((doc) => doc.id !== id));
  }

  async forgetEverywhere(id: string): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((name) => /^[0-9a-f]{64}\.json$/.test(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const name of names) {
      const path = join(this.dir, name);
      const text = await readFile(path, 'utf8').catch(() => '');
      // Cheap first look: most lists never held this document.
      if (!text.includes(JSON.stringify(id))) continue;
      await this.changeAt(path, (docs) => docs.filter((doc) => doc.id !== id));
    }
  }

  private change(sub: string, fn: (docs: UserDocEntry[]) => UserDocEntry[]): Promise<void> {
    return this.changeAt(this.path(sub), fn);
  }

  private changeAt(key: string, fn: (docs: UserDocEntry[]) => UserDocEntry[]): Promise<void> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(async () => this.write(key, fn(await this.read(key))));
    const settled = run.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return run;
  }

  private async write(path: string, docs: UserDocEntry[]): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const file = await open(temp, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify({ docs }));
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
}
