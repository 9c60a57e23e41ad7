/**
 * The HTTP side of the server contract. Every failure becomes an `ApiError` carrying the HTTP status and
 * the server's machine-readable `code`, so the UI can pick the right human message (see `errors.ts`).
 * The request and response shapes are the server's own (`@tandem/common/api`); only their types are
 * imported, so zod stays out of the page.
 */
import { type ExportFormat, isScope } from '@tandem/common';
import type {
  CreateDocBody,
  CreatedDoc,
  DocInfo,
  DocLinks,
  ErrorBody,
  HistoryAttribution,
  HistoryDiff,
  HistoryPoint,
  HistoryTimeline,
  RestoreResult,
  RevertResult,
  VersionInfo,
  VersionList,
} from '@tandem/common/api';

export type { CreatedDoc, DocInfo, DocLinks, ExportFormat };

/** Who asks for a restore or revert, so the history can name them (never used for access). */
export interface Requester {
  name: string;
  color: string | null;
}

export class ApiError extends Error {
  /** `status` is 0 when the request never reached the server (offline, server down, CORS, abort). */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isNetwork(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

type Fetch = typeof fetch;

async function request(path: string, init: RequestInit & { token?: string }, fetchImpl: Fetch): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
  if (init.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  let res: Response;
  try {
    res = await fetchImpl(path, { ...init, headers, cache: 'no-store' });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Could not reach the server.');
  }
  if (res.ok) return res;
  let code = `http_${res.status}`;
  let message = res.statusText || `Request failed (${res.status})`;
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object') {
      const b = body as { [K in keyof ErrorBody]?: unknown };
      if (typeof b.code === 'string') code = b.code;
      if (typeof b.error === 'string') message = b.error;
    }
  } catch {
    // Not JSON (e.g. a proxy's HTML error page): the status alone decides.
  }
  throw new ApiError(res.status, code, message);
}

async function json<T>(res: Response): Promise<T> {
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError(res.status, 'bad_response', 'The server sent an unexpected response.');
  }
}

export function createApi(fetchImpl: Fetch = (...args) => fetch(...args)) {
  const docPath = (id: string) => `/api/docs/${encodeURIComponent(id)}`;
  return {
    async createDoc(title?: string): Promise<CreatedDoc> {
      const body: CreateDocBody = title ? { title } : {};
      const res = await request('/api/docs', { method: 'POST', body: JSON.stringify(body) }, fetchImpl);
      return json<CreatedDoc>(res);
    },
    /** A new document holding `file` (server/SPEC.md §IM), uploaded as `type`, titled `title`. */
    async importDoc(file: Blob, type: string, title: string): Promise<CreatedDoc> {
      const query = title ? `?title=${encodeURIComponent(title)}` : '';
      const res = await request(`/api/docs/import${query}`, { method: 'POST', body: file, headers: { 'Content-Type': type } }, fetchImpl);
      return json<CreatedDoc>(res);
    },
    /** Replaces the document's content with `file`, as one live change the history names `author` for. */
    async replaceWithFile(id: string, token: string, file: Blob, type: string, author?: string): Promise<void> {
      const query = author ? `?author=${encodeURIComponent(author)}` : '';
      await request(`${docPath(id)}/import${query}`, { method: 'PUT', token, body: file, headers: { 'Content-Type': type } }, fetchImpl);
    },
    async getDoc(id: string, token: string, signal?: AbortSignal): Promise<DocInfo> {
      const res = await request(docPath(id), { token, ...(signal ? { signal } : {}) }, fetchImpl);
      const info = await json<DocInfo>(res);
      // The scope decides whether we let people type, so never guess it from a malformed answer.
      if (!isScope(info.scope)) {
        throw new ApiError(res.status, 'bad_response', 'The server sent an unexpected response.');
      }
      return info;
    },
    async getLinks(id: string, token: string): Promise<DocLinks> {
      return json<DocLinks>(await request(`${docPath(id)}/links`, { token }, fetchImpl));
    },
    /** Deletes the document for everyone, for good (edit links only): resolves on the server's 204. */
    async deleteDoc(id: string, token: string): Promise<void> {
      await request(docPath(id), { method: 'DELETE', token }, fetchImpl);
    },
    async rotateLinks(id: string, token: string): Promise<DocLinks> {
      return json<DocLinks>(await request(`${docPath(id)}/links/rotate`, { method: 'POST', token }, fetchImpl));
    },
    /**
     * Fetches an export with the token in a header (not the URL, so it stays out of logs and history);
     * with `comments`, the threads come along (footnotes in Markdown, asides in HTML).
     */
    async exportDoc(id: string, token: string, format: ExportFormat, { comments = false } = {}): Promise<{ blob: Blob; filename: string | null }> {
      const res = await request(`${docPath(id)}/export?format=${format}${comments ? '&comments=1' : ''}`, { token }, fetchImpl);
      return { blob: await res.blob(), filename: filenameFromDisposition(res.headers.get('Content-Disposition')) };
    },

    // --- History (server/SPEC.md §HI): view scope reads, edit scope writes ---

    async listVersions(id: string, token: string, signal?: AbortSignal): Promise<VersionList> {
      return json<VersionList>(await request(`${docPath(id)}/versions`, { token, ...(signal ? { signal } : {}) }, fetchImpl));
    },
    /** Names the document as it is now. */
    async nameVersion(id: string, token: string, name: string): Promise<VersionInfo> {
      const res = await request(`${docPath(id)}/versions`, { method: 'POST', token, body: JSON.stringify({ name }) }, fetchImpl);
      return json<VersionInfo>(res);
    },
    async restoreVersion(id: string, token: string, versionId: string, author?: Requester): Promise<RestoreResult> {
      const path = `${docPath(id)}/versions/${encodeURIComponent(versionId)}/restore`;
      const res = await request(path, { method: 'POST', token, body: JSON.stringify(author ? { author } : {}) }, fetchImpl);
      return json<RestoreResult>(res);
    },
    async timeline(id: string, token: string, signal?: AbortSignal): Promise<HistoryTimeline> {
      return json<HistoryTimeline>(await request(`${docPath(id)}/history`, { token, ...(signal ? { signal } : {}) }, fetchImpl));
    },
    /** The `to` text with what changed since `from` (`start`, `now`, a version id or `@n`). */
    async diff(id: string, token: string, from: HistoryPoint, to: HistoryPoint, signal?: AbortSignal): Promise<HistoryDiff> {
      const query = new URLSearchParams({ from, to });
      const res = await request(`${docPath(id)}/history/diff?${query}`, { token, ...(signal ? { signal } : {}) }, fetchImpl);
      return json<HistoryDiff>(res);
    },
    async attribution(id: string, token: string, signal?: AbortSignal): Promise<HistoryAttribution> {
      const res = await request(`${docPath(id)}/history/attribution`, { token, ...(signal ? { signal } : {}) }, fetchImpl);
      return json<HistoryAttribution>(res);
    },
    /** Undoes what `target` (an author's name) did since `since` (ISO-8601), keeping everyone else's edits. */
    async revertAuthor(id: string, token: string, target: string, since: string, author?: Requester): Promise<RevertResult> {
      const body = JSON.stringify({ target, since, ...(author ? { author } : {}) });
      return json<RevertResult>(await request(`${docPath(id)}/history/revert`, { method: 'POST', token, body }, fetchImpl));
    },
  };
}

export type Api = ReturnType<typeof createApi>;

export const api: Api = createApi();

/** Pulls the file name out of `Content-Disposition: attachment; filename="x.md"; filename*=UTF-8''x.md`. */
export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header);
  const name = plain?.[2] ?? plain?.[1];
  return name ? name.trim() : null;
}
