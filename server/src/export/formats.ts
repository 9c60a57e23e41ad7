/** The export formats. Kept apart from the converters so the HTTP layer can check a format without loading them. */
export type ExportFormat = 'markdown' | 'html' | 'json' | 'text';

export const FORMATS: Readonly<Record<ExportFormat, { contentType: string; extension: string }>> = {
  markdown: { contentType: 'text/markdown; charset=utf-8', extension: 'md' },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html' },
  json: { contentType: 'application/json; charset=utf-8', extension: 'json' },
  text: { contentType: 'text/plain; charset=utf-8', extension: 'txt' },
};

export function isExportFormat(s: unknown): s is ExportFormat {
  return typeof s === 'string' && Object.hasOwn(FORMATS, s);
}
