import { requestAuthor } from '../../history/request-author.js';
import { MAX_TITLE_LENGTH, readTitle, scopeAllows, type Scope } from '@tandem/common';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { RoomRegistry } from '../../rooms/registry.js';
import { HttpError } from '../../http/errors.js';
import { parseJsonBody } from '../../http/json-body.js';
import { withRoom } from '../../http/with-room.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import { bearerToken } from '../authorize.js';
import type { SignedInUser } from '../identity.js';
import { checkAccess, signToken, type TokenKey, type TokenVerifier } from '../tokens.js';
import type { UserDocEntry, UserDocIndex } from './index-file.js';
import { titleChange } from './title-change.js';

export interface UserDocsDeps {
  key: TokenKey;
  tokens: TokenVerifier;
  registry: RoomRegistry;
  index: UserDocIndex;
  metrics: Metrics;
  logger: Logger;
  publicUrl: () => string;
  now: () => Date;
  userOf(c: Context): Promise<SignedInUser | null>;
}

const SORTS = ['updated', 'opened', 'title'] as const;

/** One row of `GET /api/me/docs`: the entry, the document's times, and a personal link to open it. */
interface MyDoc {
  id: string;
  title: string;
  role: UserDocEntry['role'];
  scope: Scope;
  createdAt: string;
  updatedAt: string;
  openedAt: string;
  url: string;
  token: string;
}
export const renameBody = z.object({ title: z.string().max(MAX_TITLE_LENGTH) }).strict();

/**
 * [ID6] `POST /api/me/token`: a signed-in person trades a share-link token (Bearer) for a personal one — same
 * document, scope, generation and expiry, plus their `sub` and `name` — so the server stamps their name [ID1];
 * the document joins their list. [ID7] `GET /api/me/docs?q=&sort=` lists what they created or opened signed
 * in; `PATCH /api/me/docs/:id` renames (edit scope); `DELETE /api/me/docs/:id` takes it off their list.
 */
export function userDocsRoutes(deps: UserDocsDeps): Hono {
  const app = new Hono();

  const signedIn = async (c: Context): Promise<SignedInUser> => {
    const user = await deps.userOf(c);
    if (!user) throw new HttpError(401, 'signed_out', 'not signed in');
    return user;
  };

  /** A personal token for `user` on `id` at `scope` (the current generation is checked by the caller). */
  const personalToken = (user: SignedInUser, id: string, scope: Scope, generation: number, expiresAt?: number) =>
    signToken(deps.key, { docId: id, scope, generation, sub: user.sub, name: user.name, ...(expiresAt !== undefined ? { expiresAt } : {}) }, deps.now());

  app.post('/api/me/token', async (c) => {
    const user = await signedIn(c);
    const claims = deps.tokens.verify(bearerToken(c.req.header('authorization')), deps.now());
    const meta = await deps.registry.getMeta(claims.docId);
    if (!meta) throw new HttpError(404, 'unknown_document', 'no such document');
    checkAccess(claims, meta, 'view');
    const title = await withRoom(deps, meta.id, (room) => readTitle(room.doc), meta);
    await deps.index.record(user.sub, {
      id: meta.id,
      role: 'opened',
      scope: claims.scope,
      generation: claims.generation,
      title,
      openedAt: deps.now().toISOString(),
    });
    return c.json({ token: await personalToken(user, meta.id, claims.scope, claims.generation, claims.expiresAt) });
  });

  app.get('/api/me/docs', async (c) => {
    const user = await signedIn(c);
    const query = (c.req.query('q') ?? '').trim().toLowerCase();
    const sort = c.req.query('sort') ?? 'updated';
    if (!(SORTS as readonly string[]).includes(sort)) throw new HttpError(400, 'bad_request', `sort must be one of ${SORTS.join(', ')}`);
    const rows: MyDoc[] = [];
    for (const entry of await deps.index.list(user.sub)) {
      const meta = await deps.registry.getMeta(entry.id);
      // Deleted documents, and links rotated since [R3], no longer open: they leave the list's answer.
      if (!meta || meta.linkGeneration !== entry.generation) continue;
      const open = deps.registry.peek(entry.id);
      const title = open ? readTitle(open.doc) : entry.title;
      if (query && !title.toLowerCase().includes(query)) continue;
      const token = await personalToken(user, entry.id, entry.scope, entry.generation);
      rows.push({
        id: entry.id,
        title,
        role: entry.role,
        scope: entry.scope,
        createdAt: meta.createdAt,
        updatedAt: meta.updatedAt,
        openedAt: entry.openedAt,
        url: `${deps.publicUrl()}/d/${entry.id}#token=${token}`,
        token,
      });
    }
    const by: Record<(typeof SORTS)[number], (a: MyDoc, b: MyDoc) => number> = {
      updated: (a, b) => b.updatedAt.localeCompare(a.updatedAt),
      opened: (a, b) => b.openedAt.localeCompare(a.openedAt),
      title: (a, b) => a.title.localeCompare(b.title),
    };
    rows.sort(by[sort as (typeof SORTS)[number]]);
    c.header('Cache-Control', 'no-store');
    return c.json({ docs: rows });
  });

  /** The person's entry for `:id` with at least `required` scope at the document's current generation. */
  const entryFor = async (c: Context, user: SignedInUser, required: Scope): Promise<UserDocEntry> => {
    const id = c.req.param('id') ?? '';
    const entry = (await deps.index.list(user.sub)).find((doc) => doc.id === id);
    const meta = entry ? await deps.registry.getMeta(id) : null;
    if (!entry || !meta || meta.linkGeneration !== entry.generation) throw new HttpError(404, 'unknown_document', 'not in your documents');
    if (!scopeAllows(entry.scope, required)) throw new HttpError(403, 'forbidden', 'you may only view this document');
    return entry;
  };

  app.patch('/api/me/docs/:id', async (c) => {
    const user = await signedIn(c);
    const { title } = await parseJsonBody(c, renameBody);
    const entry = await entryFor(c, user, 'edit');
    await withRoom(deps, entry.id, async (room) => {
      const update = titleChange(room.doc, title);
      if (!update) return;
      await room.applyServerChange(update, requestAuthor({ name: user.name, scope: 'edit', generation: entry.generation, user: user.sub, source: 'api' }));
    });
    await deps.index.update(user.sub, entry.id, { title });
    return c.json({ id: entry.id, title });
  });

  app.delete('/api/me/docs/:id', async (c) => {
    const user = await signedIn(c);
    await deps.index.forget(user.sub, c.req.param('id'));
    return c.body(null, 204);
  });

  return app;
}
