import type { Context } from 'hono';

/** An export's body as the response: text as it is, a binary file (DOCX) as bytes. */
export function sendBody(c: Context, body: string | Uint8Array<ArrayBuffer>): Response {
  return typeof body === 'string' ? c.body(body) : c.body(body);
}
