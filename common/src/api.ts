/**
 * The HTTP API's request and response bodies as zod schemas: the server parses requests and shapes its
 * answers with them, the editor reads the same types (`z.infer`) so a field renamed on one side fails to
 * compile on the other.
 */
import { z } from 'zod';
import { MAX_TITLE_LENGTH } from './layout.js';
import { SCOPES } from './scopes.js';

/** What `content` may be written in, on import and through the write API (server/SPEC.md §IM). */
export const CONTENT_FORMATS = ['markdown', 'html', 'text'] as const;
export type ContentFormat = (typeof CONTENT_FORMATS)[number];
const contentFormat = z.enum(CONTENT_FORMATS, { error: 'format must be markdown, html or text' });

/** `POST /api/docs` body: an optional title, and optional content to import (`format` required with it). */
export const createDocBody = z
  .object({ title: z.string().max(MAX_TITLE_LENGTH).optional(), content: z.string().optional(), format: contentFormat.optional() })
  .strict()
  .refine((body) => body.content === undefined || body.format !== undefined, { error: 'format is required with content' });
export type CreateDocBody = z.infer<typeof createDocBody>;

/** `PUT /api/docs/:id/content`: the document's content (and title, if given) becomes this. */
export const replaceContentBody = z
  .object({ content: z.string(), format: contentFormat, title: z.string().max(MAX_TITLE_LENGTH).optional() })
  .strict();
export type ReplaceContentBody = z.infer<typeof replaceContentBody>;

/** `POST /api/docs/:id/content`: adds `content` before or after what the document holds. */
export const addContentBody = z
  .object({ content: z.string(), format: contentFormat, position: z.enum(['start', 'end'], { error: 'position must be start or end' }) })
  .strict();
export type AddContentBody = z.infer<typeof addContentBody>;

/** → 200 from both write routes: `changed` false when the document already held exactly that. */
export const contentWritten = z.object({ id: z.string(), title: z.string(), changed: z.boolean() });
export type ContentWritten = z.infer<typeof contentWritten>;

/** A document's share links and the tokens in them (`GET /api/docs/:id/links`, `…/links/rotate`). */
export const docLinks = z.object({
  editUrl: z.string(),
  viewUrl: z.string(),
  commentUrl: z.string(),
  editToken: z.string(),
  viewToken: z.string(),
  commentToken: z.string(),
});
export type DocLinks = z.infer<typeof docLinks>;

/** `POST /api/docs` → 201: the new document's id and its links. */
export const createdDoc = docLinks.extend({ id: z.string() });
export type CreatedDoc = z.infer<typeof createdDoc>;

/** `GET /api/docs/:id`: what the document is, and what the caller's token lets it do. */
export const docInfo = z.object({
  id: z.string(),
  title: z.string(),
  /** ISO-8601 timestamps. */
  createdAt: z.string(),
  updatedAt: z.string(),
  scope: z.enum(SCOPES),
  linkGeneration: z.number().int().nonnegative(),
});
export type DocInfo = z.infer<typeof docInfo>;

/** One comment in `GET /api/docs/:id/comments`. */
export const commentInfo = z.object({
  id: z.string(),
  author: z.string(),
  body: z.string(),
  /** ISO-8601 (stored as ms since the epoch in the document). */
  createdAt: z.string(),
});
export type CommentInfo = z.infer<typeof commentInfo>;

/** One thread in `GET /api/docs/:id/comments`. */
export const threadInfo = z.object({
  id: z.string(),
  /** The commented text as it reads now, or the stored quote when that text was deleted (`detached`). */
  quote: z.string(),
  resolved: z.boolean(),
  /** True when the text the thread was anchored to no longer exists. */
  detached: z.boolean(),
  comments: z.array(commentInfo),
});
export type ThreadInfo = z.infer<typeof threadInfo>;

/** `GET /api/docs/:id/comments`: threads in document order, detached ones after. */
export const commentList = z.object({ threads: z.array(threadInfo) });
export type CommentList = z.infer<typeof commentList>;

/** Every refusal: a human message and a stable machine-readable code (e.g. `token_revoked`). */
export const errorBody = z.object({ error: z.string(), code: z.string() });
export type ErrorBody = z.infer<typeof errorBody>;

// ---- History (server/SPEC.md §HI) ----

/** Someone whose changes the history holds, as the server stamped them (the name their connection announced). */
export const historyAuthor = z.object({
  name: z.string(),
  /** `#rrggbb` as their connection announced it, or null (e.g. a script, the API). */
  color: z.string().nullable(),
});
export type HistoryAuthor = z.infer<typeof historyAuthor>;

export const VERSION_KINDS = ['auto', 'named', 'restore'] as const;
export type VersionKind = (typeof VERSION_KINDS)[number];

/** Longest version name (`POST /api/docs/:id/versions`). */
export const MAX_VERSION_NAME_LENGTH = 200;

/** One version in `GET /api/docs/:id/versions` (the contract's fields, then ours). */
export const versionInfo = z.object({
  id: z.string(),
  /** ISO-8601. */
  createdAt: z.string(),
  name: z.string().nullable(),
  kind: z.enum(VERSION_KINDS),
  /** Names of those whose changes this version holds since the one before. */
  authors: z.array(z.string()),
  /** The same people with their colours, in the same order. */
  authorDetails: z.array(historyAuthor),
  /** Size of the change since the version before: characters (and other items) inserted and deleted. */
  inserted: z.number().int().nonnegative(),
  deleted: z.number().int().nonnegative(),
  /** How many recorded changes the history held when this version was made (a timeslider position). */
  changes: z.number().int().nonnegative(),
});
export type VersionInfo = z.infer<typeof versionInfo>;

export const versionList = z.object({ versions: z.array(versionInfo) });
export type VersionList = z.infer<typeof versionList>;

/** `POST /api/docs/:id/versions`. */
export const createVersionBody = z.object({ name: z.string().trim().min(1).max(MAX_VERSION_NAME_LENGTH) }).strict();

/** Optional body of a restore or revert: who asks, so the history can name them (a name, never trusted for access). */
export const requesterBody = z.object({
  author: z.object({ name: z.string().max(80), color: z.string().regex(/^#[0-9a-fA-F]{6}$/).nullable().optional() }).optional(),
});

/** `POST /api/docs/:id/versions/:vid/restore` → 200: the version that keeps the state just before. */
export const restoreResult = z.object({ version: versionInfo });
export type RestoreResult = z.infer<typeof restoreResult>;

/** `POST /api/docs/:id/history/revert`: undo everything `author` did since `since`, keeping everyone else's edits. */
export const revertBody = requesterBody.extend({
  /** The author's name as `historyAuthor.name` gives it. */
  target: z.string().min(1).max(80),
  /** ISO-8601. */
  since: z.string().datetime({ offset: true }),
});
/** → 200: `changed` false when that author had nothing left to undo (no version is made then). */
export const revertResult = z.object({ changed: z.boolean(), version: versionInfo.nullable() });
export type RevertResult = z.infer<typeof revertResult>;

/**
 * A point in a document's history, as `from`/`to` of a diff: `start` (nothing), `now`, a version id, or
 * `@<n>` — the state after the first n recorded changes (the timeslider).
 */
export type HistoryPoint = string;

export const CHANGE_KINDS = ['same', 'insert', 'delete'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** A run of text that changed (or not) between two points, and who made the change. */
export const diffSegment = z.object({
  text: z.string(),
  change: z.enum(CHANGE_KINDS),
  /** Index into the answer's `authors`: who inserted (or, for `delete`, deleted) it; absent for `same`. */
  author: z.number().int().nonnegative().optional(),
  /** When (ms since the epoch); absent for `same`. */
  at: z.number().optional(),
  /** Mark names on this text (`bold`, `italic`, `code`, `link`, …). */
  marks: z.array(z.string()).optional(),
});
export type DiffSegment = z.infer<typeof diffSegment>;

/** One text block (paragraph, heading, code block, list item's paragraph, table cell's paragraph…). */
export const diffBlock = z.object({
  /** The ProseMirror node name of the block (`paragraph`, `heading`, `codeBlock`…). */
  type: z.string(),
  /** Heading level, when `type` is `heading`. */
  level: z.number().int().optional(),
  /** Names of the enclosing nodes, outermost first (e.g. `["bulletList","listItem"]`). */
  path: z.array(z.string()),
  /** `insert`/`delete` when the whole block was added or removed between the two points. */
  change: z.enum(CHANGE_KINDS),
  segments: z.array(diffSegment),
});
export type DiffBlock = z.infer<typeof diffBlock>;

/** `GET /api/docs/:id/history/diff?from=<point>&to=<point>`: the `to` text with what changed since `from`. */
export const historyDiff = z.object({
  from: z.string(),
  to: z.string(),
  authors: z.array(historyAuthor),
  title: z.array(diffSegment),
  blocks: z.array(diffBlock),
});
export type HistoryDiff = z.infer<typeof historyDiff>;

/** `GET /api/docs/:id/history`: the recorded changes, thinned to at most `MAX_TIMELINE_POINTS` for a timeslider. */
export const MAX_TIMELINE_POINTS = 1000;
export const historyTimeline = z.object({
  /** How many changes are recorded in all; a point `n` is the state after the first n. */
  total: z.number().int().nonnegative(),
  authors: z.array(historyAuthor),
  /** Oldest first: `n` (use as `@n`), when, and the author of the change that ends there. */
  points: z.array(z.object({ n: z.number().int().nonnegative(), at: z.number(), author: z.number().int().nonnegative() })),
});
export type HistoryTimeline = z.infer<typeof historyTimeline>;

/**
 * `GET /api/docs/:id/history/attribution`: who inserted each run of the document's items, by Yjs id, so the
 * editor can tint its own copy of the document (it holds the same ids). A run is
 * `[client, clock, length, author index, at (ms)]`; ids in no run were written before history was kept.
 */
export const historyAttribution = z.object({
  authors: z.array(historyAuthor),
  runs: z.array(z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()])),
});
export type HistoryAttribution = z.infer<typeof historyAttribution>;

/** [UP] `POST /api/docs/:id/uploads` → 201: where the image is served (no token), its address and what it is. */
export const uploadInfo = z.object({
  src: z.string(),
  hash: z.string(),
  type: z.string(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
});
export type UploadInfo = z.infer<typeof uploadInfo>;
