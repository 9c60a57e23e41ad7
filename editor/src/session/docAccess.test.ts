import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type Api, ApiError, type DocInfo, type DocLinks } from '../lib/api';
import { browserStore, findRecent, recordVisit } from '../lib/recentDocs';
import { DocAccess } from './docAccess';

const ID = 'doc_abcdefgh';
const info = (scope: 'edit' | 'view' = 'edit'): DocInfo => ({
  id: ID,
  title: 'Plan',
  createdAt: '',
  updatedAt: '',
  scope,
  linkGeneration: 0,
});
const links: DocLinks = { editUrl: '', viewUrl: '', commentUrl: '', editToken: 'edit-2', viewToken: 'view-2', commentToken: 'comment-2' };

function fakeApi(valid: Set<string>): Api {
  return {
    createDoc: vi.fn(),
    getLinks: vi.fn(),
    exportDoc: vi.fn(),
    getDoc: vi.fn(async (_id: string, token: string) => {
      if (!valid.has(token)) throw new ApiError(401, 'token_revoked', 'revoked');
      return info();
    }),
    rotateLinks: vi.fn(async () => {
      valid.clear();
      valid.add('edit-2').add('view-2');
      return links;
    }),
  } as unknown as Api;
}

describe('DocAccess', () => {
  beforeEach(() => {
    localStorage.clear();
    history.replaceState(null, '', `/d/${ID}#token=edit-1`);
  });

  it('resetting links adopts the new edit token everywhere', async () => {
    recordVisit(browserStore(), { id: ID, token: 'edit-1', scope: 'edit', title: 'Plan' });
    const access = new DocAccess(ID, 'edit-1', info(), fakeApi(new Set(['edit-1'])));
    const onNewToken = vi.fn();
    expect(await access.rotate(onNewToken)).toEqual(links);
    expect(access.token).toBe('edit-2');
    expect(onNewToken).toHaveBeenCalledWith('edit-2');
    expect(location.hash).toBe('#token=edit-2');
    expect(findRecent(browserStore(), ID)?.token).toBe('edit-2');
    expect(access.rotation).toBeNull();
  });

  it('a recheck during a reset waits for it and judges with the new token', async () => {
    const api = fakeApi(new Set(['edit-1']));
    const access = new DocAccess(ID, 'edit-1', info(), api);
    const rotating = access.rotate(() => {});
    // The 4401 for our old socket can arrive before the reset's HTTP answer.
    await expect(access.recheck()).resolves.toMatchObject({ scope: 'edit' });
    await rotating;
    expect(api.getDoc).toHaveBeenLastCalledWith(ID, 'edit-2');
  });

  it('follows a reset done in another tab of this browser', async () => {
    const access = new DocAccess(ID, 'edit-1', info(), fakeApi(new Set(['edit-2'])));
    expect(await access.followResetFromAnotherTab({ attempts: 2, delayMs: 1 })).toBeNull(); // nothing newer known yet
    recordVisit(browserStore(), { id: ID, token: 'edit-2', scope: 'edit' });
    expect(await access.followResetFromAnotherTab()).toBe('edit-2');
    expect(access.token).toBe('edit-2');
    expect(location.hash).toBe('#token=edit-2');
  });

  it('waits briefly for the other tab to store the new token', async () => {
    const access = new DocAccess(ID, 'edit-1', info(), fakeApi(new Set(['edit-2'])));
    setTimeout(() => recordVisit(browserStore(), { id: ID, token: 'edit-2', scope: 'edit' }), 5);
    expect(await access.followResetFromAnotherTab({ attempts: 5, delayMs: 10 })).toBe('edit-2');
  });

  it('does not upgrade a viewer to an editor token, nor adopt a token that does not work', async () => {
    recordVisit(browserStore(), { id: ID, token: 'edit-2', scope: 'edit' });
    const viewer = new DocAccess(ID, 'view-1', info('view'), fakeApi(new Set(['edit-2'])));
    expect(await viewer.followResetFromAnotherTab({ attempts: 1 })).toBeNull();
    const editor = new DocAccess(ID, 'edit-1', info(), fakeApi(new Set()));
    expect(await editor.followResetFromAnotherTab()).toBeNull();
    expect(editor.token).toBe('edit-1');
  });
});
