/**
 * How history reads on screen: author colours, version names, sizes of change and times, as pure
 * functions (the panel, the preview and the live tint share them).
 */
import type { HistoryAuthor, VersionInfo } from '@tandem/common/api';
import { PALETTE, isHexColor } from './identity';

/** An author's colour: the one their connection announced, or a stable pick from the palette by name. */
export function authorColor(author: Pick<HistoryAuthor, 'name' | 'color'> | undefined): string {
  if (author && isHexColor(author.color)) return author.color;
  const name = author?.name ?? '';
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length] as string;
}

/** The name people see for an author; the server says "unknown" for changes it could not attribute. */
export function authorName(author: HistoryAuthor | undefined): string {
  return author?.name.trim() || 'Someone';
}

/** A version's title in the list: its name, or what kind of version it is. */
export function versionLabel(version: Pick<VersionInfo, 'name' | 'kind'>): string {
  if (version.name?.trim()) return version.name.trim();
  return version.kind === 'restore' ? 'Before restore' : version.kind === 'named' ? 'Named version' : 'Automatic';
}

/** "+120 −4", for a version's size of change; a side with nothing is empty. */
export function changeSize(version: Pick<VersionInfo, 'inserted' | 'deleted'>): { inserted: string; deleted: string; label: string } {
  const fmt = new Intl.NumberFormat();
  const label = [
    version.inserted ? `${fmt.format(version.inserted)} added` : '',
    version.deleted ? `${fmt.format(version.deleted)} removed` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return {
    inserted: version.inserted ? `+${fmt.format(version.inserted)}` : '',
    deleted: version.deleted ? `−${fmt.format(version.deleted)}` : '',
    label: label || 'No changes',
  };
}

/** "Today", "Yesterday", or "Monday, 3 March" (with the year when it is not this year): a day heading. */
export function dayLabel(at: number, now: number = Date.now(), locale?: string): string {
  const day = startOfDay(at);
  const today = startOfDay(now);
  if (day === today) return 'Today';
  if (day === startOfDay(today - 12 * 3600_000)) return 'Yesterday';
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Date(at).toLocaleDateString(locale, { weekday: 'long', month: 'long', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) });
}

function startOfDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** "14:05" (the locale's clock). */
export function timeLabel(at: number, locale?: string): string {
  return new Date(at).toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
}

/** "3 Mar, 14:05:09": a precise moment, for hover text and the timeslider. */
export function momentLabel(at: number, locale?: string): string {
  return new Date(at).toLocaleString(locale, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' });
}

/** Versions (newest first) grouped under their day, keeping the order. */
export function groupByDay<T extends { createdAt: string }>(versions: readonly T[], now: number = Date.now()): { day: string; versions: T[] }[] {
  const groups: { day: string; versions: T[] }[] = [];
  for (const version of versions) {
    const day = dayLabel(Date.parse(version.createdAt), now);
    const last = groups[groups.length - 1];
    if (last && last.day === day) last.versions.push(version);
    else groups.push({ day, versions: [version] });
  }
  return groups;
}

/** A moment as a `<input type="datetime-local" step="1">` value, in local time. */
export function toDateTimeLocal(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A `datetime-local` value (local time, no offset) as ISO-8601, or null when it is not a time. */
export function fromDateTimeLocal(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  const at = new Date(value).getTime();
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}
