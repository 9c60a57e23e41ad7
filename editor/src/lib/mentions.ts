/**
 * `@` mentions in comment text. A mention is plain text — `@` followed by a person's name as it was
 * suggested (names may hold spaces: "@Calm Otter") — so it survives copy, export and the server untouched.
 * Names come from presence (who is here now); whether a comment mentions you is judged by your name.
 */

/** What is being typed after an `@`: where the `@` is and the text after it, up to the caret. */
export interface MentionQuery {
  /** Index of the `@`. */
  start: number;
  query: string;
}

/** The longest query we keep suggesting for (a name is at most 40 characters). */
const MAX_QUERY = 40;

/**
 * The mention being typed at `caret`, if any: an `@` at the start or after whitespace or an opening
 * bracket, then no line break. Spaces are allowed (for two-word names); `suggestMentions` decides
 * whether anything still matches.
 *
 * @example mentionQueryAt('Ask @Ca', 7) // { start: 4, query: 'Ca' }
 */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at === -1 || caret - at - 1 > MAX_QUERY) return null;
  const prev = at === 0 ? '' : before[at - 1]!;
  if (prev !== '' && !/[\s([{"'“‘]/.test(prev)) return null; // an e-mail address, not a mention
  const query = before.slice(at + 1);
  if (/[\n\r]/.test(query) || query.startsWith(' ')) return null;
  return { start: at, query };
}

/**
 * Names to offer for a query, best first: names starting with it, then names with a word starting with
 * it; case-insensitive; duplicates once; at most `limit`.
 */
export function suggestMentions(names: readonly string[], query: string, limit = 6): string[] {
  const q = query.toLocaleLowerCase();
  const unique = [...new Set(names.filter((n) => n.trim() !== ''))];
  const starts = unique.filter((n) => n.toLocaleLowerCase().startsWith(q));
  const words = unique.filter((n) => !starts.includes(n) && n.toLocaleLowerCase().split(/\s+/).some((w) => w.startsWith(q)));
  return [...starts.sort(byName), ...words.sort(byName)].slice(0, limit);
}

const byName = (a: string, b: string) => a.localeCompare(b);

/** The text with the query at `mention` replaced by `@name ` and where the caret goes after it. */
export function insertMention(text: string, mention: MentionQuery, caret: number, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  const after = text.slice(caret).replace(/^ /, '');
  return { text: text.slice(0, mention.start) + inserted + after, caret: mention.start + inserted.length };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `body` mentions `name` (`@name` not followed by more of a word), case-insensitively. */
export function mentions(body: string, name: string): boolean {
  const trimmed = name.trim();
  if (!trimmed) return false;
  return new RegExp(`(^|[\\s([{"'“‘])@${escape(trimmed)}(?![\\p{L}\\p{N}_])`, 'iu').test(body);
}

/** A comment body cut into text and mentions of the given names (longest names first), for display. */
export function splitMentions(body: string, names: readonly string[]): { text: string; mention: boolean }[] {
  const known = [...new Set(names.map((n) => n.trim()).filter(Boolean))].sort((a, b) => b.length - a.length);
  if (known.length === 0) return [{ text: body, mention: false }];
  const pattern = new RegExp(`(^|[\\s([{"'“‘])(@(?:${known.map(escape).join('|')}))(?![\\p{L}\\p{N}_])`, 'giu');
  const parts: { text: string; mention: boolean }[] = [];
  let last = 0;
  for (const match of body.matchAll(pattern)) {
    const at = match.index + match[1]!.length;
    if (at > last) parts.push({ text: body.slice(last, at), mention: false });
    parts.push({ text: match[2]!, mention: true });
    last = at + match[2]!.length;
  }
  if (last < body.length) parts.push({ text: body.slice(last), mention: false });
  return parts;
}
