import { afterEach, describe, expect, it } from 'vitest';
import { clearStartNotice, forgetDocument, leaveStartNotice, localCopyName, peekStartNotice } from './forgetDoc';
import { browserStore, loadRecent, recordVisit } from './recentDocs';

afterEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

describe('forgetting a deleted document', () => {
  it('takes it out of the recent list and nothing else', () => {
    recordVisit(browserStore(), { id: 'gone-aaaaaaaa', token: 't1', scope: 'edit', title: 'Gone' }, 1);
    recordVisit(browserStore(), { id: 'kept-bbbbbbbb', token: 't2', scope: 'view', title: 'Kept' }, 2);
    forgetDocument('gone-aaaaaaaa');
    expect(loadRecent(browserStore()).map((d) => d.id)).toEqual(['kept-bbbbbbbb']);
  });

  it('names the offline copy the way the session stores it', () => {
    expect(localCopyName('abc')).toBe('tandem:abc');
  });

  it('leaves a notice for the start page until it was shown', () => {
    expect(peekStartNotice()).toBeNull();
    leaveStartNotice('“Plans” was deleted.');
    expect(peekStartNotice()).toBe('“Plans” was deleted.');
    clearStartNotice();
    expect(peekStartNotice()).toBeNull();
  });
});
