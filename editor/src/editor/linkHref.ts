/**
 * What someone typed into the link box → a safe href, or null when it cannot be one.
 * "example.com" gets https://, "mail@example.com" becomes mailto:, and only web, mail and phone schemes
 * pass: a `javascript:` link in a shared document would run in every reader's browser.
 */
const ALLOWED = new Set(['http:', 'https:', 'mailto:', 'tel:']);

export function normalizeHref(input: string): string | null {
  const text = input.trim();
  if (text === '' || /\s/.test(text)) return null;
  if (text.startsWith('#') || text.startsWith('/')) return text;
  if (/^[^@\s/:]+@[^@\s/]+\.[^@\s/]+$/.test(text)) return `mailto:${text}`;
  // "localhost:8080" is a host and port, not a "localhost:" scheme; "tel:0123" is a scheme.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  const hasScheme =
    scheme !== null && (ALLOWED.has(`${scheme[1]?.toLowerCase()}:`) || !/^\d/.test(text.slice(scheme[0].length)));
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    return null;
  }
  if (!ALLOWED.has(url.protocol)) return null;
  // "https://foo" without a dot is almost always a typo, except for localhost.
  if (!hasScheme && !url.hostname.includes('.') && url.hostname !== 'localhost') return null;
  return hasScheme ? text : `https://${text}`;
}
