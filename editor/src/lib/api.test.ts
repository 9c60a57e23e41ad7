import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApi, filenameFromDisposition } from './api';

function fakeFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  return vi.fn(async () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers },
    }),
  );
}

describe('api client', () => {
  it('sends the token as a Bearer header and returns the document', async () => {
    const fetchImpl = fakeFetch(200, { id: 'abc', title: 'T', createdAt: '', updatedAt: '', scope: 'view', linkGeneration: 0 });
    const info = await createApi(fetchImpl).getDoc('abc', 'tok');
    expect(info.scope).toBe('view');
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/docs/abc');
    expect(new Headers(init.headers).get('Authorization')).toBe('Bearer tok');
  });

  it('turns JSON errors into ApiError with status and code', async () => {
    const api = createApi(fakeFetch(401, { error: 'revoked', code: 'token_revoked' }));
    await expect(api.getDoc('abc', 'tok')).rejects.toMatchObject({ status: 401, code: 'token_revoked' });
  });

  it('copes with non-JSON error pages', async () => {
    const api = createApi(fakeFetch(502, '<html>Bad gateway</html>'));
    const err = await api.getDoc('abc', 'tok').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).isNetwork).toBe(true);
  });

  it('reports network failures as status 0', async () => {
    const api = createApi(vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(api.createDoc()).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('rejects a document answer without a valid scope', async () => {
    const api = createApi(fakeFetch(200, { id: 'abc', scope: 'owner' }));
    await expect(api.getDoc('abc', 't')).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('posts to rotate and reads the new links', async () => {
    const links = { editUrl: 'e', viewUrl: 'v', editToken: 'E', viewToken: 'V' };
    const fetchImpl = fakeFetch(200, links);
    expect(await createApi(fetchImpl).rotateLinks('abc', 'tok')).toEqual(links);
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/docs/abc/links/rotate');
    expect(init.method).toBe('POST');
  });

  it('deletes with DELETE and the token; a refusal is an ApiError', async () => {
    const fetchImpl = vi.fn(async () => new Response(null, { status: 204 }));
    await createApi(fetchImpl).deleteDoc('abc', 'tok');
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/docs/abc');
    expect(init.method).toBe('DELETE');
    expect(new Headers(init.headers).get('Authorization')).toBe('Bearer tok');
    const refused = createApi(fakeFetch(403, { error: 'edit link needed', code: 'forbidden' }));
    await expect(refused.deleteDoc('abc', 'view')).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('downloads an export with its file name', async () => {
    const fetchImpl = fakeFetch(200, '# Hi', { 'Content-Disposition': 'attachment; filename="plan.md"' });
    const out = await createApi(fetchImpl).exportDoc('abc', 'tok', 'markdown');
    expect(out.filename).toBe('plan.md');
    expect(await out.blob.text()).toBe('# Hi');
    expect((fetchImpl.mock.calls[0] as unknown as [string])[0]).toBe('/api/docs/abc/export?format=markdown');
    await createApi(fetchImpl).exportDoc('abc', 'tok', 'html', { comments: true });
    expect((fetchImpl.mock.calls[1] as unknown as [string])[0]).toBe('/api/docs/abc/export?format=html&comments=1');
  });
});

describe('api client: history', () => {
  const call = (fetchImpl: ReturnType<typeof fakeFetch>, i = 0) => {
    const [url, init] = fetchImpl.mock.calls[i] as unknown as [string, RequestInit];
    return { url, method: init.method ?? 'GET', auth: new Headers(init.headers).get('Authorization'), body: init.body ? JSON.parse(String(init.body)) : undefined };
  };

  it('asks for a diff between two points, escaped in the query', async () => {
    const answer = { from: '@3', to: 'now', authors: [], title: [], blocks: [] };
    const fetchImpl = fakeFetch(200, answer);
    expect(await createApi(fetchImpl).diff('abc', 'tok', '@3', 'now')).toEqual(answer);
    expect(call(fetchImpl)).toMatchObject({ url: '/api/docs/abc/history/diff?from=%403&to=now', method: 'GET', auth: 'Bearer tok' });
  });

  it('names a version and restores one with who asked', async () => {
    const version = { id: 'v 1', createdAt: '', name: 'Draft', kind: 'named', authors: [], authorDetails: [], inserted: 0, deleted: 0, changes: 0 };
    const fetchImpl = fakeFetch(200, { version });
    const api = createApi(fetchImpl);
    await api.nameVersion('abc', 'tok', 'Draft');
    await api.restoreVersion('abc', 'tok', 'v 1', { name: 'Alice', color: '#2563eb' });
    expect(call(fetchImpl, 0)).toMatchObject({ url: '/api/docs/abc/versions', method: 'POST', body: { name: 'Draft' } });
    expect(call(fetchImpl, 1)).toMatchObject({
      url: '/api/docs/abc/versions/v%201/restore',
      method: 'POST',
      body: { author: { name: 'Alice', color: '#2563eb' } },
    });
  });

  it('reverts one author since a time', async () => {
    const fetchImpl = fakeFetch(200, { changed: false, version: null });
    const out = await createApi(fetchImpl).revertAuthor('abc', 'tok', 'Bob', '2025-01-02T03:04:05.000Z');
    expect(out.changed).toBe(false);
    expect(call(fetchImpl)).toMatchObject({
      url: '/api/docs/abc/history/revert',
      method: 'POST',
      body: { target: 'Bob', since: '2025-01-02T03:04:05.000Z' },
    });
  });

  it('reads versions, the timeline and the attribution with the token', async () => {
    const fetchImpl = fakeFetch(200, {});
    const api = createApi(fetchImpl);
    await api.listVersions('abc', 'tok');
    await api.timeline('abc', 'tok');
    await api.attribution('abc', 'tok');
    expect([0, 1, 2].map((i) => call(fetchImpl, i).url)).toEqual([
      '/api/docs/abc/versions',
      '/api/docs/abc/history',
      '/api/docs/abc/history/attribution',
    ]);
    expect(call(fetchImpl, 2).auth).toBe('Bearer tok');
  });
});

describe('filenameFromDisposition', () => {
  it('reads plain, quoted and RFC 5987 names', () => {
    expect(filenameFromDisposition('attachment; filename=plan.md')).toBe('plan.md');
    expect(filenameFromDisposition('attachment; filename="my plan.html"')).toBe('my plan.html');
    expect(filenameFromDisposition(`attachment; filename="x.md"; filename*=UTF-8''Pl%C3%A4ne.md`)).toBe('Pläne.md');
    expect(filenameFromDisposition(null)).toBeNull();
    expect(filenameFromDisposition('inline')).toBeNull();
  });
});
