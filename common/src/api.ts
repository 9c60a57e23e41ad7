/**
 * The HTTP API's request and response bodies as zod schemas: the server parses requests and shapes its
 * answers with them, the editor reads the same types (`z.infer`) so a field renamed on one side fails to
 * compile on the other.
 */
import { z } from 'zod';
import { MAX_TITLE_LENGTH } from './layout.js';
import { SCOPES } from './scopes.js';

/** `POST /api/docs` body: an optional title; no other field. */
export const createDocBody = z.object({ title: z.string().max(MAX_TITLE_LENGTH).optional() }).strict();
export type CreateDocBody = z.infer<typeof createDocBody>;

/** A document's share links and the tokens in them (`GET /api/docs/:id/links`, `…/links/rotate`). */
export const docLinks = z.object({
  editUrl: z.string(),
  viewUrl: z.string(),
  editToken: z.string(),
  viewToken: z.string(),
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

/** Every refusal: a human message and a stable machine-readable code (e.g. `token_revoked`). */
export const errorBody = z.object({ error: z.string(), code: z.string() });
export type ErrorBody = z.infer<typeof errorBody>;
