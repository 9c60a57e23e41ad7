/** Keeps a title usable as a download name without quoting trouble. */
export function safeFilename(title: string): string {
  return title.replace(/[^\p{L}\p{N} ._-]+/gu, '').trim().slice(0, 80);
}
