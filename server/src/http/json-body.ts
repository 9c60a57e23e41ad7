import type { Context } from 'hono';
import type { z } from 'zod';
import { badRequest } from './errors.js';

/** Reads a JSON request body and validates it with `schema`; an empty body counts as `{}`. Bad → 400. */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const raw = await c.req.text();
  let body: unknown = {};
  if (raw.trim() !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      throw badRequest('body must be JSON');
    }
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? 'invalid body');
  return parsed.data;
}
