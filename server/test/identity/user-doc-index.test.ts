/**
 * [ID7] "My documents" behaves the same in files (one instance) and in PostgreSQL (shared by every instance of
 * a cluster): the same rules run against both, on a temp DATA_DIR and a fresh schema of the test database.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileUserDocIndex, type UserDocEntry, type UserDocIndex } from '../../src/auth/user-docs/index-file.js';
import { PgUserDocIndex } from '../../src/auth/user-docs/index-pg.js';
import { pgTables } from '../../src/storage/pg/schema.js';
import { PgStore } from '../../src/storage/pg/store.js';
import { freshSchema, sharedPostgresUrl } from '../storage/pg/helpers.js';

const entry = (id: string, at: number, extra: Partial<UserDocEntry> = {}): UserDocEntry => ({
  id,
  role: 'opened',
  scope: 'view',
  generation: 0,
  title: `Doc ${id}`,
  openedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, at)).toISOString(),
  ...extra,
});
/** The bound under test (the real one, MAX_ENTRIES = 2000, is the same code path). */
const BOUND = 5;
const ids = async (index: UserDocIndex, sub: string) => (await index.list(sub)).map((e) => e.id);

function describeIndex(name: string, open: () => Promise<{ index: UserDocIndex; close(): Promise<void>; where(): Promise<string> }>) {
  describe(`user document index: ${name}`, () => {
    let index: UserDocIndex;
    let close: () => Promise<void>;
    let where: () => Promise<string>;
    beforeAll(async () => {
      ({ index, close, where } = await open());
    });
    afterAll(() => close());

    it('keeps each person\'s list apart, newest opened first; a stronger scope and "created" stay when recorded again', async () => {
      await index.record('alice', entry('a1', 1, { role: 'created', scope: 'edit' }));
      await index.record('alice', entry('a2', 2));
      await index.record('bob', entry('b1', 3));
      expect(await ids(index, 'alice')).toEqual(['a2', 'a1']);
      expect(await ids(index, 'bob')).toEqual(['b1']);
      // Opened again through a view link: still created, still edit, now the most recent.
      await index.record('alice', entry('a1', 4, { scope: 'view', title: 'Renamed elsewhere' }));
      const [first] = await index.list('alice');
      expect(first).toEqual(entry('a1', 4, { role: 'created', scope: 'edit', title: 'Renamed elsewhere' }));
      // A new link generation resets the scope to what the new link grants.
      await index.record('alice', entry('a1', 5, { scope: 'comment', generation: 1 }));
      expect((await index.list('alice'))[0]).toMatchObject({ role: 'created', scope: 'comment', generation: 1 });
    });

    it('renames, forgets for one person, and forgets a deleted document everywhere — the subject itself is stored nowhere', async () => {
      await index.record('carol', entry('shared', 10));
      await index.record('dave', entry('shared', 11));
      await index.record('dave', entry('d1', 12));
      await index.update('dave', 'd1', { title: 'Budget' });
      expect((await index.list('dave')).find((e) => e.id === 'd1')!.title).toBe('Budget');
      await index.forget('dave', 'd1');
      expect(await ids(index, 'dave')).toEqual(['shared']);
      await index.forgetEverywhere('shared');
      expect(await ids(index, 'carol')).toEqual([]);
      expect(await ids(index, 'dave')).toEqual([]);
      expect(await where()).not.toContain('carol');
    });

    it(`keeps at most its bound of documents per person (${BOUND} here), dropping the least recently opened`, async () => {
      for (let i = 0; i <= BOUND; i++) await index.record('erin', entry(`e${i}`, i));
      const list = await ids(index, 'erin');
      expect(list).toHaveLength(BOUND);
      expect(list).not.toContain('e0');
      expect(list[0]).toBe(`e${BOUND}`);
      // Opening an old one again keeps it (it is the most recent now); the oldest other goes.
      await index.record('erin', entry('e1', 100));
      expect(await ids(index, 'erin')).toEqual(['e1', ...list.filter((id) => id !== 'e1')]);
    });
  });
}

describeIndex('files in DATA_DIR', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-users-'));
  return {
    index: new FileUserDocIndex(dir, BOUND),
    close: () => rm(dir, { recursive: true, force: true }),
    // Everything stored, to show the subject never appears (only its hash names the file).
    where: async () => {
      const names = await readdir(join(dir, 'users'));
      return names.join(' ') + (await Promise.all(names.map((n) => readFile(join(dir, 'users', n), 'utf8')))).join(' ');
    },
  };
});

describeIndex('PostgreSQL (shared by instances)', async () => {
  const databaseUrl = await sharedPostgresUrl();
  const schema = freshSchema();
  const store = new PgStore({ databaseUrl, schema });
  await store.ready();
  // The store's own pool and tables, with a small bound; `store.userDocIndex()` is the same class at MAX_ENTRIES.
  const index = new PgUserDocIndex((store as unknown as { pool: import('pg').Pool }).pool, pgTables(schema), BOUND);
  return {
    index,
    close: () => store.close(),
    where: async () => {
      const rows = await (store as unknown as { pool: { query(sql: string): Promise<{ rows: unknown[] }> } }).pool.query(
        `SELECT * FROM ${pgTables(schema).userDocs}`,
      );
      return JSON.stringify(rows.rows);
    },
  };
});
