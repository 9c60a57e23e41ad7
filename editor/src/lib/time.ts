/** "just now", "5 minutes ago", "yesterday", then a plain date: how long ago you opened a document. */
export function formatRelative(then: number, now: number = Date.now(), locale?: string): string {
  const seconds = Math.round((then - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (abs < 60 * 45) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 60 * 60 * 22) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 60 * 60 * 24 * 6.5) return rtf.format(Math.round(seconds / 86400), 'day');
  const date = new Date(then);
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return date.toLocaleDateString(locale, { month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) });
}
