import { describe, expect, it } from 'vitest';
import { insertMention, mentionQueryAt, mentions, splitMentions, suggestMentions } from './mentions';

describe('mentions', () => {
  it('finds the mention being typed, and not an e-mail address or a finished line', () => {
    expect(mentionQueryAt('Ask @Ca', 7)).toEqual({ start: 4, query: 'Ca' });
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQueryAt('(@Calm O', 8)).toEqual({ start: 1, query: 'Calm O' });
    expect(mentionQueryAt('mail bob@example.org', 20)).toBeNull();
    expect(mentionQueryAt('@Bob\nnext', 9)).toBeNull();
    expect(mentionQueryAt('@ Bob', 5)).toBeNull();
    expect(mentionQueryAt('no at sign', 10)).toBeNull();
    // The caret decides: text after it does not count.
    expect(mentionQueryAt('Hi @Bo and more', 6)).toEqual({ start: 3, query: 'Bo' });
  });

  it('suggests names starting with the query, then names with a word starting with it, once each', () => {
    const names = ['Carol', 'Calm Otter', 'Bob', 'Brave Carp', 'Carol', ''];
    expect(suggestMentions(names, 'ca')).toEqual(['Calm Otter', 'Carol', 'Brave Carp']);
    expect(suggestMentions(names, '')).toEqual(['Bob', 'Brave Carp', 'Calm Otter', 'Carol']);
    expect(suggestMentions(names, 'zz')).toEqual([]);
    expect(suggestMentions(names, 'calm o')).toEqual(['Calm Otter']);
  });

  it('inserts the chosen name with one space after it, and says where the caret goes', () => {
    const text = 'Ask @Ca about it';
    expect(insertMention(text, { start: 4, query: 'Ca' }, 7, 'Carol')).toEqual({ text: 'Ask @Carol about it', caret: 11 });
    expect(insertMention('@', { start: 0, query: '' }, 1, 'Calm Otter')).toEqual({ text: '@Calm Otter ', caret: 12 });
  });

  it('tells whether a comment mentions a name, whole names only, in any case', () => {
    expect(mentions('@Carol please look', 'Carol')).toBe(true);
    expect(mentions('thanks, @carol!', 'Carol')).toBe(true);
    expect(mentions('ping @Calm Otter', 'Calm Otter')).toBe(true);
    expect(mentions('@Carolyn look', 'Carol')).toBe(false);
    expect(mentions('carol@example.org', 'Carol')).toBe(false);
    expect(mentions('Carol', 'Carol')).toBe(false);
    expect(mentions('@ ', ' ')).toBe(false);
    expect(mentions('@a.b', 'a.b')).toBe(true); // names are matched literally
  });

  it('splits a body into text and mentions of known names, longest name first', () => {
    expect(splitMentions('Hi @Calm Otter and @Calm, see @Nobody', ['Calm', 'Calm Otter'])).toEqual([
      { text: 'Hi ', mention: false },
      { text: '@Calm Otter', mention: true },
      { text: ' and ', mention: false },
      { text: '@Calm', mention: true },
      { text: ', see @Nobody', mention: false },
    ]);
    expect(splitMentions('plain', [])).toEqual([{ text: 'plain', mention: false }]);
  });
});
