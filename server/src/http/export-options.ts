import type { Context } from 'hono';
import { badRequest } from './errors.js';
import type { ImageExportMode } from './export-images.js';

/**
 * The export options a request asks for: `comments=1` (or `true`) adds the comments [CM6]; `0`, `false` or
 * no parameter leaves them out; anything else is a 400.
 */
export function exportOptions(c: Context): { comments: boolean; images: ImageExportMode } {
  const value = c.req.query('comments');
  const images = c.req.query('images') ?? 'link';
  // [UP8] How images appear in the file: linked (with a view token) or embedded as data: URIs.
  if (images !== 'link' && images !== 'embed') throw badRequest('images must be link or embed');
  if (value === undefined || value === '0' || value === 'false') return { comments: false, images };
  if (value === '1' || value === 'true') return { comments: true, images };
  throw badRequest('comments must be 1 or 0');
}
