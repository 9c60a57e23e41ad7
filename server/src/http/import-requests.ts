/**
 * What the import and write routes read from a request [IM3][IM5]: JSON bodies carrying content (whose limit
 * follows `IMPORT_MAX_BYTES`, not the 64 KiB of other bodies), raw file uploads (the format from
 * `Content-Type`, 415 otherwise), and who the history names for the change [HI2].
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import type { Access } from '../auth/authorize.js';
import type { ChangeAuthor } from '../history/entry.js';
import { requestAuthor } from '../history/request-author.js';
import { formatOfMediaType, IMPORT_MEDIA_TYPES, type ImportFormat } from '../import/formats.js';
import { HttpError, badRequest } from './errors.js';

/** Every body that carries no content keeps the create route's old bound. */
export const MAX_PLAIN_BODY_BYTES = 64 * 1024;

const tooLarge = () => new HttpError(413, 'too_large', 'request body too large');

/**
 * The bound on a JSON body carrying content: JSON escapes may double the content's bytes (`\n`, `\"`), and the
 * content itself is then held to `importMaxBytes` exactly (`importContent`).
 */
export function jsonImportLimit(importMaxBytes: number): MiddlewareHandler {
  return bodyLimit({ maxSize: 2 * importMaxBytes + MAX_PLAIN_BODY_BYTES, onError: () => { throw tooLarge(); } });
}

/** The bound on a raw upload: the file itself. */
export function uploadLimit(importMaxBytes: number): MiddlewareHandler {
  return bodyLimit({ maxSize: importMaxBytes, onError: () => { throw tooLarge(); } });
}

/**
 * Reads a JSON body (empty = `{}`) and validates it with `schema`. A body without `content` larger than
 * `MAX_PLAIN_BODY_BYTES` is 413, as before imports existed.
 */
export async function parseContentJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const raw = await c.req.text();
  let body: unknown = {};
  if (raw.trim() !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      if (raw.length > MAX_PLAIN_BODY_BYTES) throw tooLarge();
      throw badRequest('body must be JSON');
    }
  }
  const carriesContent = typeof body === 'object' && body !== null && typeof (body as { content?: unknown }).content === 'string';
  if (!carriesContent && Buffer.byteLength(raw, 'utf8') > MAX_PLAIN_BODY_BYTES) throw tooLarge();
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? 'invalid body');
  return parsed.data;
}

/** A raw file upload: its format from `Content-Type` (415 when not importable) and its bytes. */
export async function readUpload(c: Context): Promise<{ format: ImportFormat; bytes: Uint8Array }> {
  const format = formatOfMediaType(c.req.header('content-type'));
  if (!format) {
    throw new HttpError(415, 'unsupported_type', `cannot import ${c.req.header('content-type') || 'a file without a Content-Type'}: send one of ${IMPORT_MEDIA_TYPES.join(', ')}`);
  }
  return { format, bytes: new Uint8Array(await c.req.arrayBuffer()) };
}

/** An optional one-line text from the query (`title`, `author`), bounded; absent or blank → undefined. */
export function queryLabel(c: Context, name: string, maxLength: number): string | undefined {
  const value = c.req.query(name)?.replace(/\s+/g, ' ').trim();
  if (!value) return undefined;
  if (value.length > maxLength) throw badRequest(`${name} is longer than ${maxLength} characters`);
  return value;
}

/** [HI2] The history's author of a write through the API: named "API" unless the request names someone. */
export function apiAuthor(access: Access, name = 'API'): ChangeAuthor {
  return requestAuthor({ name, scope: access.claims.scope, generation: access.claims.generation, source: 'api' });
}
