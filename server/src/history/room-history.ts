import {
  MAX_TIMELINE_POINTS,
  type HistoryAttribution,
  type HistoryDiff,
  type HistoryTimeline,
  type VersionInfo,
} from '@tandem/common/api';
import * as Y from 'yjs';
import type { Logger } from '../logger.js';
import { VERSION_ID_PATTERN, type DocStore, type StoredVersion } from '../storage/doc-store.js';
import { diffSnapshots } from './diff.js';
import { EntryEncoder, type ChangeAuthor, type HistoryEntry, type IdRun } from './entry.js';
import { idSetFromRuns, idsBetween, subtractIdSets } from './id-sets.js';
import { HistoryLedger } from './ledger.js';
import { contentFingerprint, replaceContent, undoChanges } from './undo-change.js';
import { newVersionId, PendingChanges, versionInfo, versionsToThin } from './versions.js';

export interface HistoryOptions {
  /** [HI4] An automatic version once local editing pauses this long (ms)… */
  idleMs: number;
  /** …and at least this often while it goes on. */
  maxIntervalMs: number;
  /** Thin automatic versions older than this many days to one a day; 0 keeps all. */
  thinAfterDays: number;
}

export interface RoomHistoryDeps {
  store: DocStore;
  logger: Logger;
  options: HistoryOptions;
  /** Resolves once every change the room accepted so far is durable; rejects if the room failed. */
  whenDurable(): Promise<void>;
  /** Applies a server-made change like a peer's (size limit, durable append with its entry, relay). */
  applyChange(update: Uint8Array, author: ChangeAuthor): Promise<void>;
  /** Whether other instances may write entries of this document too (cluster mode): then nothing is cached. */
  shared(): boolean;
  /** [WH2] Told of each version once it is stored. */
  versionCreated?: ((version: VersionInfo) => void) | undefined;
  now?: () => number;
}

/** How long decoded entries stay in memory after the last history request. */
const LEDGER_KEPT_MS = 60_000;

/** Bad input naming a point of history [HI7]: the HTTP layer turns it into 400 or 404. */
export class HistoryInputError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = 'HistoryInputError';
  }
}

/**
 * A room's history [HI]: turns each local transaction into an entry [HI2], makes automatic versions [HI4],
 * and answers the history routes — versions, diffs, the timeline, attribution, restore and revert [HI5][HI6].
 * Entries are written, never kept in memory: what a request needs is read back from the store, so an open
 * document costs only its pending-version summary.
 */
export class RoomHistory {
  private pendingEntry: { bytes: Uint8Array; entry: HistoryEntry } | null = null;
  private readonly pending = new PendingChanges();
  private idleTimer: NodeJS.Timeout | null = null;
  /** When the last local change became durable (ms). */
  private lastChange = 0;
  /** History entries this instance knows of, for a version's timeslider position; read once when first needed. */
  private entryCount: number | null = null;
  /** Version making, restores and reverts run one at a time per document. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private abandoned = false;
  private readonly now: () => number;
  private readonly encoder = new EntryEncoder();
  /** The decoded entries, kept while history is being looked at (single instance: every entry passes here). */
  private cached: HistoryLedger | null = null;
  private cacheTimer: NodeJS.Timeout | null = null;
  /** Entries taken so far (to tell whether one was taken while the store was being read). */
  private taken = 0;
  /** The newest version's id: undefined until read from the store or made here. */
  private newest: string | null | undefined;

  constructor(
    private readonly docId: string,
    private readonly doc: Y.Doc,
    private readonly deps: RoomHistoryDeps,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** [HI2] Called from the document's `afterTransaction` for every local transaction, before its `update`. */
  capture(transaction: Y.Transaction, authorOf: () => ChangeAuthor): void {
    this.pendingEntry = null;
    const inserted: IdRun[] = [];
    for (const [client, after] of transaction.afterState) {
      const before = transaction.beforeState.get(client) ?? 0;
      if (after > before) inserted.push([client, before, after - before]);
    }
    const deleted: IdRun[] = [];
    for (const [client, ranges] of transaction.deleteSet.clients) {
      for (const { clock, len } of ranges) deleted.push([client, clock, len]);
    }
    // Asked only now: a transaction that changed nothing (a peer's empty sync answer) needs no author, so a
    // socket that never writes never draws a session id.
    if (inserted.length === 0 && deleted.length === 0) return;
    const entry: HistoryEntry = { at: this.now(), author: authorOf(), inserted, deleted };
    this.pendingEntry = { bytes: this.encoder.encode(entry), entry };
  }

  /** The entry of the transaction whose `update` is being appended now, if it was captured. */
  takeEntry(): Uint8Array | null {
    const taken = this.pendingEntry;
    this.pendingEntry = null;
    if (!taken) return null;
    const { entry } = taken;
    this.taken++;
    this.cached?.add(entry);
    const size = (runs: readonly IdRun[]) => runs.reduce((sum, run) => sum + run[2], 0);
    this.pending.add({ name: entry.author.name, color: entry.author.color }, size(entry.inserted), size(entry.deleted), entry.at);
    return taken.bytes;
  }

  /** [HI4] A captured change is durable: count it and schedule the automatic version. */
  noteDurable(hadEntry: boolean): void {
    if (!hadEntry || this.closed) return;
    if (this.entryCount !== null) this.entryCount++;
    this.lastChange = this.now();
    const since = this.pending.since;
    if (since !== null && this.lastChange - since >= this.deps.options.maxIntervalMs) {
      this.clearIdleTimer();
      void this.autoVersion();
      return;
    }
    // One timer per pause, not one per update: it re-arms itself while changes keep coming.
    if (!this.idleTimer) this.armIdleTimer(this.deps.options.idleMs);
  }

  private armIdleTimer(delay: number): void {
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      const quietFor = this.now() - this.lastChange;
      if (quietFor < this.deps.options.idleMs) return this.armIdleTimer(this.deps.options.idleMs - quietFor);
      void this.autoVersion();
    }, delay);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** [HI4][U2] The room unloads: a last automatic version if anything changed since the previous one. */
  /** [DEL4] The document was deleted: nothing more is written, not even the version `close` would make. */
  abandon(): void {
    this.abandoned = true;
    this.clearIdleTimer();
  }

  async close(): Promise<void> {
    this.clearIdleTimer();
    if (this.cacheTimer) clearTimeout(this.cacheTimer);
    this.cached = null;
    await this.queue;
    if (this.pending.dirty && !this.abandoned) await this.makeVersion('auto', null).catch((error: unknown) => this.logFailure(error));
    this.closed = true;
  }

  private autoVersion(): Promise<unknown> {
    return this.serial(async () => {
      if (this.closed || this.abandoned || !this.pending.dirty) return;
      await this.makeVersion('auto', null);
    }).catch((error: unknown) => this.logFailure(error));
  }

  private logFailure(error: unknown): void {
    this.deps.logger.error({ err: error }, 'could not save an automatic version');
  }

  /** Runs `task` after every earlier one of this document settled. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** `POST …/versions`: names the document as it is now. */
  createNamed(name: string): Promise<VersionInfo> {
    return this.serial(async () => versionInfo(await this.makeVersion('named', name)));
  }

  /** Snapshots the durable state as a version and stores it. */
  private async makeVersion(kind: StoredVersion['kind'], name: string | null): Promise<StoredVersion> {
    await this.deps.whenDurable();
    const changes = await this.changesSoFar();
    const { authors, inserted, deleted } = this.pending.take();
    const version: StoredVersion = {
      id: newVersionId(),
      createdAt: new Date(this.now()).toISOString(),
      name,
      kind,
      authors,
      inserted,
      deleted,
      changes,
      snapshot: Y.encodeSnapshot(Y.snapshot(this.doc)),
    };
    await this.deps.store.putVersion(this.docId, version);
    this.newest = version.id;
    this.deps.versionCreated?.(versionInfo(version));
    if (kind === 'auto' && this.deps.options.thinAfterDays > 0) await this.thin();
    return version;
  }

  private async thin(): Promise<void> {
    const versions = await this.deps.store.listVersions(this.docId);
    const drop = versionsToThin(versions, this.deps.options.thinAfterDays, this.now());
    if (drop.length > 0) await this.deps.store.deleteVersions(this.docId, drop);
  }

  private async changesSoFar(): Promise<number> {
    if (this.entryCount === null) {
      const count = (await this.deps.store.readHistory(this.docId)).length;
      this.entryCount ??= count;
    }
    return this.entryCount;
  }

  /**
   * [WH2] The newest version's id (null when there is none), read from the store once per load; in cluster
   * mode another instance may have made a newer one since.
   */
  async newestVersionId(): Promise<string | null> {
    if (this.newest === undefined) {
      const versions = await this.deps.store.listVersions(this.docId);
      this.newest ??= versions.at(-1)?.id ?? null;
    }
    return this.newest;
  }

  /** Every version, newest first. */
  async list(): Promise<VersionInfo[]> {
    return (await this.deps.store.listVersions(this.docId)).reverse().map(versionInfo);
  }

  /** A version by id, or HistoryInputError 404. */
  async version(versionId: string): Promise<StoredVersion> {
    const version = VERSION_ID_PATTERN.test(versionId) ? await this.deps.store.getVersion(this.docId, versionId) : null;
    if (!version) throw new HistoryInputError(404, 'unknown version');
    return version;
  }

  /** The document as it was at a version, as a throwaway Y.Doc (the caller destroys it). */
  async render(versionId: string): Promise<Y.Doc> {
    const version = await this.version(versionId);
    return Y.createDocFromSnapshot(this.doc, Y.decodeSnapshot(version.snapshot));
  }

  /**
   * Every entry, once everything accepted so far is written. Read from the store and then kept up to date
   * from `takeEntry` for a minute after the last look, unless other instances write entries too.
   */
  private async ledger(): Promise<HistoryLedger> {
    await this.deps.whenDurable();
    if (this.deps.shared()) return HistoryLedger.fromStored(await this.deps.store.readHistory(this.docId));
    for (let attempt = 0; !this.cached; attempt++) {
      const takenBefore = this.taken;
      const ledger = HistoryLedger.fromStored(await this.deps.store.readHistory(this.docId));
      // An entry taken while the store was read may or may not be in its answer: then read again (or, if
      // editing never pauses, answer from this read without keeping it).
      if (this.taken === takenBefore) this.cached = ledger;
      else if (attempt === 2) {
        await this.deps.whenDurable();
        return HistoryLedger.fromStored(await this.deps.store.readHistory(this.docId));
      } else await this.deps.whenDurable();
    }
    if (this.cacheTimer) clearTimeout(this.cacheTimer);
    this.cacheTimer = setTimeout(() => {
      this.cached = null;
      this.cacheTimer = null;
    }, LEDGER_KEPT_MS);
    this.cacheTimer.unref();
    return this.cached;
  }

  /** [HI7] `start`, `now`, a version id or `@n` as a snapshot of this document. */
  private async point(point: string, ledger: HistoryLedger): Promise<Y.Snapshot> {
    if (point === 'start') return Y.emptySnapshot;
    if (point === 'now') return Y.snapshot(this.doc);
    const step = /^@(\d{1,9})$/.exec(point);
    if (step) {
      const n = Number(step[1]);
      if (n > ledger.length) throw new HistoryInputError(400, `history holds ${ledger.length} changes`);
      return ledger.snapshotAt(n, this.doc);
    }
    if (!VERSION_ID_PATTERN.test(point)) throw new HistoryInputError(400, 'a point is start, now, a version id or @<n>');
    return Y.decodeSnapshot((await this.version(point)).snapshot);
  }

  async diff(from: string, to: string): Promise<HistoryDiff> {
    const ledger = await this.ledger();
    const [fromSnapshot, toSnapshot] = [await this.point(from, ledger), await this.point(to, ledger)];
    return diffSnapshots(this.doc, ledger, { name: from, snapshot: fromSnapshot }, { name: to, snapshot: toSnapshot });
  }

  async timeline(): Promise<HistoryTimeline> {
    const ledger = await this.ledger();
    const total = ledger.length;
    const step = Math.max(1, Math.ceil(total / MAX_TIMELINE_POINTS));
    const points: HistoryTimeline['points'] = [];
    // No entries yet (a document nobody has changed): no points, not a point at -1.
    for (let n = Math.min(step, total); n >= 1 && n <= total; n = n === total ? total + 1 : Math.min(n + step, total)) {
      points.push({ n, at: ledger.at(n - 1), author: ledger.authorOf(n - 1) });
    }
    return { total, authors: ledger.authors, points };
  }

  /** Who inserted each run of ids, runs of one author merged [HI3]. */
  async attribution(): Promise<HistoryAttribution> {
    const ledger = await this.ledger();
    const runs: HistoryAttribution['runs'] = [];
    const lastOfClient = new Map<number, HistoryAttribution['runs'][number]>();
    for (let i = 0; i < ledger.length; i++) {
      const author = ledger.authorOf(i);
      for (const [client, clock, len] of ledger.insertedRuns(i)) {
        const last = lastOfClient.get(client);
        if (last && last[3] === author && last[1] + last[2] === clock) {
          last[2] += len;
          continue;
        }
        const run: HistoryAttribution['runs'][number] = [client, clock, len, author, ledger.at(i)];
        runs.push(run);
        lastOfClient.set(client, run);
      }
    }
    return { authors: ledger.authors, runs };
  }

  /**
   * [HI5] Makes the document's content and title those of a version, as one forward change; the state just
   * before is kept first as a `restore` version (returned), so the restore can be undone.
   */
  restore(versionId: string, author: ChangeAuthor): Promise<VersionInfo> {
    return this.serial(async () => {
      const target = Y.decodeSnapshot((await this.version(versionId)).snapshot);
      const before = await this.makeVersion('restore', null);
      const now = Y.snapshot(this.doc);
      const rendered = Y.createDocFromSnapshot(this.doc, target);
      try {
        const wanted = contentFingerprint(rendered);
        let exact = false;
        let update = undoChanges(this.doc, idsBetween(target.sv, now.sv), subtractIdSets(now.ds, target.ds), (scratch) => {
          exact = contentFingerprint(scratch) === wanted;
        });
        if (!exact) {
          this.deps.logger.warn({ version: versionId }, 'restore by undo did not reproduce the version; replacing the content');
          update = replaceContent(this.doc, rendered);
        }
        if (update) await this.deps.applyChange(update, author);
      } finally {
        rendered.destroy();
      }
      return versionInfo(before);
    });
  }

  /**
   * [HI6] Undoes everything `target` (an author's name) changed at or after `since`, leaving others' edits,
   * as one forward change; keeps the state before as a `restore` version. Null when there was nothing to undo.
   */
  revert(target: string, since: number, author: ChangeAuthor): Promise<VersionInfo | null> {
    return this.serial(async () => {
      const ledger = await this.ledger();
      const theirs = ledger.entriesOf(target, since);
      const insertions = idSetFromRuns(theirs.flatMap((i) => ledger.insertedRuns(i)));
      const deletions = subtractIdSets(idSetFromRuns(theirs.flatMap((i) => ledger.deletedRuns(i))), insertions);
      if (!undoChanges(this.doc, insertions, deletions)) return null;
      const before = await this.makeVersion('restore', `Before reverting ${target}`);
      // Computed again: the document may have changed while the version was written.
      const update = undoChanges(this.doc, insertions, deletions);
      if (update) await this.deps.applyChange(update, author);
      return versionInfo(before);
    });
  }
}
