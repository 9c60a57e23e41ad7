import { randomBytes } from 'node:crypto';
import type { HistoryAuthor, VersionInfo, VersionKind } from '@tandem/common/api';
import type { StoredVersion } from '../storage/doc-store.js';

/** 12 URL-safe random characters: unique within a document without coordinating instances. */
export const newVersionId = (): string => randomBytes(9).toString('base64url');

/** The API's view of a stored version. */
export function versionInfo(version: StoredVersion): VersionInfo {
  return {
    id: version.id,
    createdAt: version.createdAt,
    name: version.name,
    kind: version.kind,
    authors: version.authors.map((a) => a.name),
    authorDetails: version.authors.map((a) => ({ name: a.name, color: a.color })),
    inserted: version.inserted,
    deleted: version.deleted,
    changes: version.changes,
  };
}

/** What changed since the last version: who, and how much. Reset when a version is made. */
export class PendingChanges {
  private authors = new Map<string, HistoryAuthor>();
  inserted = 0;
  deleted = 0;
  /** When the first change since the last version was made (ms), or null when there is none. */
  since: number | null = null;

  get dirty(): boolean {
    return this.since !== null;
  }

  add(author: HistoryAuthor, inserted: number, deleted: number, at: number): void {
    if (!this.authors.has(author.name)) this.authors.set(author.name, author);
    this.inserted += inserted;
    this.deleted += deleted;
    this.since ??= at;
  }

  /** Takes what was gathered, leaving nothing. */
  take(): { authors: HistoryAuthor[]; inserted: number; deleted: number } {
    const taken = { authors: [...this.authors.values()], inserted: this.inserted, deleted: this.deleted };
    this.authors = new Map();
    this.inserted = 0;
    this.deleted = 0;
    this.since = null;
    return taken;
  }
}

/** [HI4] Which automatic versions older than `thinAfterDays` go: all but the last of each (UTC) day. */
export function versionsToThin(versions: readonly StoredVersion[], thinAfterDays: number, now: number): string[] {
  if (thinAfterDays <= 0) return [];
  const cutoff = now - thinAfterDays * 86_400_000;
  const lastOfDay = new Map<string, StoredVersion>();
  const old = versions.filter((v) => v.kind === 'auto' && Date.parse(v.createdAt) < cutoff);
  for (const version of old) lastOfDay.set(version.createdAt.slice(0, 10), version);
  const keep = new Set([...lastOfDay.values()].map((v) => v.id));
  return old.filter((v) => !keep.has(v.id)).map((v) => v.id);
}

export type { VersionKind };
