import { getSchema } from '@tiptap/core';
import { documentExtensions } from '@tandem/common/schema';
import { Node as PMNode } from '@tiptap/pm/model';
import { describe, expect, test } from 'vitest';
import { compileQuery, findInDoc, matchesIn, replacementFor, type FindOptions } from './findMatches';

const plain: FindOptions = { matchCase: false, wholeWord: false, regex: false };
const compile = (query: string, options: Partial<FindOptions> = {}) => {
  const compiled = compileQuery(query, { ...plain, ...options });
  if (!compiled?.pattern) throw new Error('expected a pattern');
  return compiled.pattern;
};
const found = (text: string, query: string, options: Partial<FindOptions> = {}) =>
  matchesIn(text, compile(query, options)).map((m) => text.slice(m.start, m.end));

describe('compileQuery', () => {
  test('an empty query finds nothing', () => {
    expect(compileQuery('', plain)).toBeNull();
  });

  test('plain text is literal: regex characters mean themselves', () => {
    expect(found('a.b axb (a.b)', 'a.b')).toEqual(['a.b', 'a.b']);
    expect(found('cost $5 or $50', '$5')).toEqual(['$5', '$5']);
  });

  test('case is ignored unless match case is on', () => {
    expect(found('Cat cat CAT', 'cat')).toEqual(['Cat', 'cat', 'CAT']);
    expect(found('Cat cat CAT', 'cat', { matchCase: true })).toEqual(['cat']);
  });

  test('whole word: not inside a longer word, Unicode letters included', () => {
    expect(found('cat concat cat_s cats cat.', 'cat', { wholeWord: true })).toEqual(['cat', 'cat']);
    expect(found('un café noir, cafés', 'café', { wholeWord: true })).toEqual(['café']);
  });

  test('regex: a pattern, and an invalid one is an error, not a throw', () => {
    expect(found('a1 b22 c', '[a-z]\\d+', { regex: true })).toEqual(['a1', 'b22']);
    const bad = compileQuery('(unclosed', { ...plain, regex: true });
    expect(bad?.error).toMatch(/unterminated|group/i);
    expect(bad?.pattern).toBeUndefined();
  });

  test('a regex that can match nothing does not loop and finds no empty matches', () => {
    expect(found('abc', 'x*', { regex: true })).toEqual([]);
    expect(found('axxb', 'x*', { regex: true })).toEqual(['xx']);
  });
});

describe('replacementFor', () => {
  test('groups in regex mode, literal text otherwise', () => {
    const pattern = compile('(\\w+)@(\\w+)', { regex: true });
    expect(replacementFor('ann@home', pattern, '$2 of $1', true)).toBe('home of ann');
    expect(replacementFor('ann@home', compile('ann@home'), '$2 of $1', false)).toBe('$2 of $1');
  });
});

describe('findInDoc', () => {
  const schema = getSchema(documentExtensions());
  const doc = PMNode.fromJSON(schema, {
    type: 'doc',
    content: [
      { type: 'paragraph', content: [{ type: 'text', text: 'one ' }, { type: 'text', text: 'two', marks: [{ type: 'bold' }] }, { type: 'text', text: ' one' }] },
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'one' }, { type: 'hardBreak' }, { type: 'text', text: 'two' }] },
    ],
  });

  test('positions cover exactly the matched text, across marks', () => {
    const matches = findInDoc(doc, compile('one two'));
    expect(matches.map((m) => doc.textBetween(m.from, m.to))).toEqual(['one two']);
  });

  test('every block is searched; a hard break separates words', () => {
    const matches = findInDoc(doc, compile('one'));
    expect(matches.map((m) => doc.textBetween(m.from, m.to))).toEqual(['one', 'one', 'one']);
    expect(findInDoc(doc, compile('onetwo'))).toEqual([]);
    expect(findInDoc(doc, compile('two', { wholeWord: true }))).toHaveLength(2);
  });
});
