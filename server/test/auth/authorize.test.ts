import { describe, expect, it } from 'vitest';
import { AccessError, authorize, bearerToken, type AuthorizeDeps } from '../../src/auth/authorize.js';
import { TokenError, TokenVerifier, signToken } from '../../src/auth/tokens.js';
import { toErrorAnswer } from '../../src/http/errors.js';
import type { DocMeta } from '../../src/storage/doc-store.js';

const key = new TextEncoder().encode('k'.repeat(40));
const now = new Date('2026-11-24T12:00:00Z');
const doc: DocMeta = { id: 'docAAAAAAAAA', createdAt: now.toISOString(), updatedAt: now.toISOString(), linkGeneration: 1 };

function deps(): AuthorizeDeps & { metaReads: string[] } {
  const metaReads: string[] = [];
  return {
    metaReads,
    tokens: new TokenVerifier(key),
    registry: { getMeta: async (id) => (metaReads.push(id), id === doc.id ? doc : null) },
    now: () => now,
  };
}

/** The refusal's code and the status the HTTP boundary answers it with (requests and upgrades alike). */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (!(error instanceof AccessError || error instanceof TokenError)) throw error;
    return `${error.code}:${toErrorAnswer(error, () => undefined).status}`;
  }
}

describe('authorize (transport-neutral)', () => {
  it('[H1] grants the document and claims; refuses a bad id 400, a bad token 401, an unknown document 404, view-for-edit 403', async () => {
    const d = deps();
    const edit = await signToken(key, { docId: doc.id, scope: 'edit', generation: 1 }, now);
    const view = await signToken(key, { docId: doc.id, scope: 'view', generation: 1 }, now);
    const other = await signToken(key, { docId: 'docBBBBBBBBB', scope: 'edit', generation: 1 }, now);
    const granted = await authorize(d, doc.id, edit, 'edit');
    expect(granted).toEqual({ meta: doc, claims: { docId: doc.id, scope: 'edit', generation: 1 } });
    expect(await refusal(authorize(d, '../etc', edit, 'view'))).toBe('invalid_id:400');
    expect(await refusal(authorize(d, doc.id, 'not.a.jwt', 'view'))).toBe('token_invalid:401');
    expect(await refusal(authorize(d, doc.id, undefined, 'view'))).toBe('token_missing:401');
    expect(await refusal(authorize(d, 'docBBBBBBBBB', other, 'view'))).toBe('unknown_document:404');
    expect(await refusal(authorize(d, doc.id, other, 'view'))).toBe('wrong_document:403');
    expect(await refusal(authorize(d, doc.id, view, 'edit'))).toBe('forbidden:403');
    const old = await signToken(key, { docId: doc.id, scope: 'edit', generation: 0 }, now);
    expect(await refusal(authorize(d, doc.id, old, 'view'))).toBe('token_revoked:401');
  });

  it('[H1] checks the id shape before anything else, and the token before storage is asked', async () => {
    const d = deps();
    await refusal(authorize(d, '../etc', undefined, 'view'));
    await refusal(authorize(d, 'docBBBBBBBBB', 'not.a.jwt', 'view'));
    expect(d.metaReads).toEqual([]);
  });

  it('reads the token of an Authorization: Bearer header value', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
