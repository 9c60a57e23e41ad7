import type { Context } from 'hono';
import { badRequest } from './errors.js';

/**
 * The export options a request asks for: `comments=1` (or `true`) adds the comments [CM6]; `0`, `false` or
 * no parameter leaves them out; anything else is a 400.
 */
export function exportOptions(c: Context): { comments: boolean } {
  const value = c.req.query('comments');
  if (value === undefined || value === '0' || value === 'false') return { comments: false };
  if (value === '1' || value === 'true') return { comments: true };
  throw badRequest('comments must be 1 or 0');
}
