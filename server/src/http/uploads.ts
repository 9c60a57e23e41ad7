/**
 * Images of a document [UP]: `POST /api/docs/:id/uploads` (edit) stores the raw request body once it passed
 * `checkImage`; `GET /api/docs/:id/uploads/:hash` (view) serves it. An upload is content-addressed (sha256
 * of its bytes) within its document, so the same image pasted twice is stored once, and its address holds
 * no secret: reading it needs a token of that very document, like every other route [UP5].
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { uploadPath } from '@tandem/common';
import type { UploadInfo } from '@tandem/common/api';
import type { AuthorizeDeps } from '../auth/authorize.js';
import { sha256Hex, UPLOAD_HASH_PATTERN, UploadQuotaError, type DocStore, type UploadQuota } from '../storage/doc-store.js';
import { checkImage, tooLarge } from '../uploads/check-image.js';
import { UploadRefusedError } from '../uploads/image-error.js';
import { authorizeRequest } from './access.js';
import { HttpError } from './errors.js';

export interface UploadsRouteDeps extends AuthorizeDeps {
  store: DocStore;
  /** [UP1] `UPLOAD_MAX_BYTES`. */
  uploadMaxBytes: number;
  /** [UP9] What one document may hold. */
  uploadQuota: UploadQuota;
}

/**
 * [UP6] What a served upload may do: nothing. Even if a browser were talked into rendering one as a page, it
 * would run no script, load nothing and share no origin with the app; nosniff keeps it the sniffed type.
 */
const SERVED_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'X-Content-Type-Options': 'nosniff',
  'Content-Disposition': 'inline',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // The bytes behind a hash never change; the URL carries the token, so a shared cache must not keep it.
  'Cache-Control': 'private, max-age=31536000, immutable',
};

/** The upload routes, mounted under `/api/docs`. */
export function uploadsRoutes(deps: UploadsRouteDeps): Hono {
  const app = new Hono();

  // [UP1] Enforced from Content-Length and while streaming, so an oversized body is never buffered whole.
  const limitBody = bodyLimit({
    maxSize: deps.uploadMaxBytes,
    onError: () => {
      throw refusedAsHttp(tooLarge(deps.uploadMaxBytes));
    },
  });

  app.post('/:id/uploads', limitBody, async (c) => {
    const { meta } = await authorizeRequest(c, deps, 'edit');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    let checked;
    try {
      checked = checkImage(bytes, deps.uploadMaxBytes);
    } catch (err) {
      throw err instanceof UploadRefusedError ? refusedAsHttp(err) : err;
    }
    const hash = sha256Hex(bytes);
    // [UP4] false when the document already held these bytes: nothing new is written (and, [UP9], no quota
    // is charged). Over quota, the store wrote nothing.
    try {
      await deps.store.putUpload(meta.id, { hash, type: checked.type, bytes }, deps.uploadQuota);
    } catch (err) {
      if (err instanceof UploadQuotaError) {
        throw new HttpError(
          413,
          'uploads_full',
          `this document's uploads are full: it may hold ${err.quota.maxFiles} images and ${err.quota.maxBytes} bytes of them`,
        );
      }
      throw err;
    }
    return c.json(
      { src: uploadPath(meta.id, hash), hash, type: checked.type, width: checked.width, height: checked.height } satisfies UploadInfo,
      201,
    );
  });

  app.get('/:id/uploads/:hash', async (c) => {
    const { meta } = await authorizeRequest(c, deps, 'view');
    const hash = c.req.param('hash');
    const upload = UPLOAD_HASH_PATTERN.test(hash) ? await deps.store.getUpload(meta.id, hash) : null;
    if (!upload) throw new HttpError(404, 'not_found', 'no such image in this document');
    for (const [name, value] of Object.entries(SERVED_HEADERS)) c.header(name, value);
    c.header('Content-Type', upload.type);
    c.header('ETag', `"${hash}"`);
    if (c.req.header('if-none-match') === `"${hash}"`) return c.body(null, 304);
    return c.body(upload.bytes as Uint8Array<ArrayBuffer>);
  });

  return app;
}

function refusedAsHttp(err: UploadRefusedError): HttpError {
  return new HttpError(err.status, err.code, err.message);
}
