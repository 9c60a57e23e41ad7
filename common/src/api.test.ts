import { describe, expect, it } from 'vitest';
import { createDocBody, createdDoc, docInfo, errorBody } from './api.js';
import { MAX_TITLE_LENGTH } from './layout.js';

describe('API schemas', () => {
  it('createDocBody takes an optional title up to MAX_TITLE_LENGTH, and nothing else', () => {
    expect(createDocBody.safeParse({}).success).toBe(true);
    expect(createDocBody.safeParse({ title: 'x'.repeat(MAX_TITLE_LENGTH) }).success).toBe(true);
    expect(createDocBody.safeParse({ title: 'x'.repeat(MAX_TITLE_LENGTH + 1) }).success).toBe(false);
    expect(createDocBody.safeParse({ title: 42 }).success).toBe(false);
    expect(createDocBody.safeParse({ title: 'x', owner: 'me' }).success).toBe(false);
  });

  it('docInfo only accepts a known scope', () => {
    const info = { id: 'abcdefgh', title: '', createdAt: '', updatedAt: '', scope: 'view', linkGeneration: 0 };
    expect(docInfo.parse(info)).toEqual(info);
    expect(docInfo.safeParse({ ...info, scope: 'owner' }).success).toBe(false);
  });

  it('createdDoc is the links plus the id; errorBody is a message and a code', () => {
    const links = { editUrl: 'e', viewUrl: 'v', commentUrl: 'c', editToken: 'E', viewToken: 'V', commentToken: 'C' };
    expect(createdDoc.parse({ id: 'abcdefgh', ...links })).toEqual({ id: 'abcdefgh', ...links });
    expect(createdDoc.safeParse(links).success).toBe(false);
    // The comment link is part of the contract: an answer without it does not parse.
    const { commentUrl: _url, commentToken: _token, ...withoutComment } = links;
    expect(createdDoc.safeParse({ id: 'abcdefgh', ...withoutComment }).success).toBe(false);
    expect(errorBody.safeParse({ error: 'no such document', code: 'unknown_document' }).success).toBe(true);
  });
});
