/**
 * Sending an image to the server [UP]: the raw bytes as the body, the link's token in a header. The
 * server's refusals are sentences meant for people ("SVG images are not accepted …"), shown as they are.
 */
import type { UploadInfo } from '@tandem/common/api';

export class UploadError extends Error {
  override name = 'UploadError';
}

/** Uploads `blob` to document `docId`; resolves with where the image is served, or rejects with an `UploadError`. */
export async function uploadImage(docId: string, token: string, blob: Blob): Promise<UploadInfo> {
  let res: Response;
  try {
    res = await fetch(`/api/docs/${encodeURIComponent(docId)}/uploads`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
      body: blob,
    });
  } catch {
    throw new UploadError('The image could not be uploaded: the server cannot be reached.');
  }
  if (res.ok) return (await res.json()) as UploadInfo;
  let reason = '';
  try {
    reason = ((await res.json()) as { error?: string }).error ?? '';
  } catch {
    // not JSON: a proxy's page, say
  }
  if (res.status === 403) reason = 'this link may not add images';
  throw new UploadError(`The image could not be uploaded: ${reason || `the server answered ${res.status}`}.`);
}

/** The host named in a URL, for notes ("Image from example.com …"); the URL itself when it has none. */
export function hostOf(src: string): string {
  try {
    const url = new URL(src);
    return url.host || url.protocol.replace(/:$/, '');
  } catch {
    return 'another site';
  }
}
