/**
 * Reads a PostgreSQL store without writing to it [CLI3]: one connection, one REPEATABLE READ READ ONLY
 * transaction for the whole run, so every document comes from the same database snapshot even while
 * servers keep appending. Rows are checked as they are read (fsck): every snapshot and log row must apply
 * in Yjs, every version's snapshot must decode.
 */
import pg from 'pg';
import * as Y from 'yjs';
import type { DocMeta, StoredUpload, StoredVersion } from '../storage/doc-store.js';
import { plainBytes } from '../storage/pg/doc-rows.js';
import { pgTables, type PgTables } from '../storage/pg/schema.js';
import { mergeStored, uploadIntact } from './dump.js';
import type { Damage, FileDocRead } from './file-reader.js';

export class PgStoreReader {
  private readonly tables: PgTables;
  private client: pg.Client | null = null;

  constructor(
    private readonly databaseUrl: string,
    schema = 'tandem',
  ) {
    this.tables = pgTables(schema);
  }

  /** Connects and opens the snapshot every later read sees. */
  async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'tandem-cli' });
    await client.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    this.client = client;
  }

  async *listIds(): AsyncIterable<string> {
    const exists = await this.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [this.tables.docs]);
    if (!exists.rows[0]?.found) return;
    const result = await this.query<{ id: string }>(`SELECT id FROM ${this.tables.docs} ORDER BY id`);
    for (const row of result.rows) yield row.id;
  }

  async read(id: string): Promise<FileDocRead | null> {
    const t = this.tables;
    const head = await this.query<{ meta: DocMeta; snapshot: Buffer | null }>(`SELECT meta, snapshot FROM ${t.docs} WHERE id = $1`, [id]);
    const row = head.rows[0];
    if (!row) return null;
    const damage: Damage[] = [];
    const updates = await this.query<{ seq: string; data: Buffer }>(`SELECT seq, data FROM ${t.updates} WHERE doc_id = $1 ORDER BY seq`, [id]);
    const doc = new Y.Doc({ gc: false });
    let snapshot = row.snapshot && plainBytes(row.snapshot);
    // Rows that do not apply are damage, and are left out of the content (no server could load them).
    const log: Uint8Array[] = [];
    try {
      if (snapshot && !tryApply(doc, snapshot, () => ({ file: 'docs.snapshot', kind: 'corrupt-snapshot' }), damage)) snapshot = null;
      for (const u of updates.rows) {
        const data = plainBytes(u.data);
        if (tryApply(doc, data, () => ({ file: `doc_updates seq ${u.seq}`, kind: 'corrupt-record' }), damage)) log.push(data);
      }
    } finally {
      doc.destroy();
    }
    const history = await this.query<{ data: Buffer }>(`SELECT data FROM ${t.history} WHERE doc_id = $1 ORDER BY seq`, [id]);
    const versions = await this.query<{
      version_id: string;
      created_at: string;
      name: string | null;
      kind: StoredVersion['kind'];
      authors: StoredVersion['authors'];
      inserted: string;
      deleted: string;
      changes: string;
      snapshot: Buffer;
    }>(
      `SELECT version_id, created_at, name, kind, authors, inserted, deleted, changes, snapshot
         FROM ${t.versions} WHERE doc_id = $1 ORDER BY created_at COLLATE "C", put_seq`,
      [id],
    );
    const stored: StoredVersion[] = versions.rows.map((v) => {
      try {
        Y.decodeSnapshot(v.snapshot);
      } catch (err) {
        damage.push({ file: `doc_versions ${v.version_id}`, kind: 'bad-version', detail: `snapshot does not decode (${(err as Error).message})` });
      }
      return {
        id: v.version_id,
        createdAt: v.created_at,
        name: v.name,
        kind: v.kind,
        authors: v.authors.map((a) => ({ name: a.name, color: a.color })),
        inserted: Number(v.inserted),
        deleted: Number(v.deleted),
        changes: Number(v.changes),
        snapshot: plainBytes(v.snapshot),
      };
    });
    const content = mergeStored({ snapshot, log });
    const uploadRows = await this.query<{ hash: string; type: string; bytes: Buffer }>(`SELECT hash, type, bytes FROM ${t.uploads} WHERE doc_id = $1 ORDER BY hash`, [id]);
    const uploads: StoredUpload[] = [];
    for (const u of uploadRows.rows) {
      const upload = { hash: u.hash, type: u.type, bytes: plainBytes(u.bytes) };
      if (uploadIntact(upload)) uploads.push(upload);
      else damage.push({ file: `doc_uploads ${u.hash}`, kind: 'bad-upload', detail: 'its bytes do not match its sha256' });
    }
    return { dump: { meta: row.meta, content, history: history.rows.map((h) => plainBytes(h.data)), versions: stored, uploads }, damage };
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }

  private query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    if (!this.client) throw new Error('the PostgreSQL reader is not open');
    return this.client.query<R>(sql, params);
  }
}

/** Applies `update`; false (and a damage entry) when Yjs cannot read it. */
function tryApply(doc: Y.Doc, update: Uint8Array, where: () => Pick<Damage, 'file' | 'kind'>, damage: Damage[]): boolean {
  try {
    Y.applyUpdate(doc, update);
    return true;
  } catch (err) {
    damage.push({ ...where(), detail: `does not apply in Yjs: ${(err as Error).message}` });
    return false;
  }
}
