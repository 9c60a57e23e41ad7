import type pg from 'pg';
import type { PgTables } from '../../storage/pg/schema.js';
import { MAX_ENTRIES, mergeEntry, userKey, type UserDocEntry, type UserDocIndex } from './index-file.js';

interface Row {
  doc_id: string;
  role: UserDocEntry['role'];
  scope: UserDocEntry['scope'];
  generation: number;
  title: string;
  opened_at: string;
}

const entryOf = (row: Row): UserDocEntry => ({
  id: row.doc_id,
  role: row.role,
  scope: row.scope,
  generation: row.generation,
  title: row.title,
  openedAt: row.opened_at,
});

/**
 * [ID7] The lists in PostgreSQL (`user_docs`), so every instance of a cluster sees the same "My documents".
 * The same rules as the file index (`mergeEntry`, at most `MAX_ENTRIES` per person, keyed by the subject's
 * hash); each change of one list is one transaction holding its rows.
 */
export class PgUserDocIndex implements UserDocIndex {
  constructor(
    private readonly pool: pg.Pool,
    private readonly tables: Pick<PgTables, 'userDocs'>,
    /** Internal (tests): a smaller bound than `MAX_ENTRIES`. */
    private readonly maxEntries = MAX_ENTRIES,
  ) {}

  async list(sub: string): Promise<UserDocEntry[]> {
    const result = await this.pool.query<Row>(
      `SELECT doc_id, role, scope, generation, title, opened_at FROM ${this.tables.userDocs} WHERE user_key = $1 ORDER BY opened_at DESC, doc_id`,
      [userKey(sub)],
    );
    return result.rows.map(entryOf);
  }

  async record(sub: string, entry: UserDocEntry): Promise<void> {
    const key = userKey(sub);
    await this.transaction(async (client) => {
      const known = await client.query<Row>(
        `SELECT doc_id, role, scope, generation, title, opened_at FROM ${this.tables.userDocs} WHERE user_key = $1 AND doc_id = $2 FOR UPDATE`,
        [key, entry.id],
      );
      const merged = known.rows[0] ? mergeEntry(entryOf(known.rows[0]), entry) : entry;
      await client.query(
        `INSERT INTO ${this.tables.userDocs} (user_key, doc_id, role, scope, generation, title, opened_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_key, doc_id) DO UPDATE SET role = $3, scope = $4, generation = $5, title = $6, opened_at = $7`,
        [key, merged.id, merged.role, merged.scope, merged.generation, merged.title, merged.openedAt],
      );
      // The least recently opened leave a list that grew past the bound.
      await client.query(
        `DELETE FROM ${this.tables.userDocs} WHERE user_key = $1 AND doc_id IN (
           SELECT doc_id FROM ${this.tables.userDocs} WHERE user_key = $1 ORDER BY opened_at DESC, doc_id OFFSET $2)`,
        [key, this.maxEntries],
      );
    });
  }

  async update(sub: string, id: string, change: Partial<Pick<UserDocEntry, 'title'>>): Promise<void> {
    if (change.title === undefined) return;
    await this.pool.query(`UPDATE ${this.tables.userDocs} SET title = $3 WHERE user_key = $1 AND doc_id = $2`, [userKey(sub), id, change.title]);
  }

  async forget(sub: string, id: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.tables.userDocs} WHERE user_key = $1 AND doc_id = $2`, [userKey(sub), id]);
  }

  async forgetEverywhere(id: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.tables.userDocs} WHERE doc_id = $1`, [id]);
  }

  private async transaction(fn: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await fn(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
