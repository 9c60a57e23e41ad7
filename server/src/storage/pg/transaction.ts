/** Running work in one PostgreSQL transaction on a connection of its own. */
import type pg from 'pg';

/**
 * Runs `work` between BEGIN and COMMIT on a pooled connection; any error rolls back and is rethrown. A
 * connection whose ROLLBACK failed is in an unknown state, so it is destroyed rather than returned.
 */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
        broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
      });
      throw err;
    }
  } finally {
    client.release(broken);
  }
}
