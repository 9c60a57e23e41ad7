/**
 * The formats `GET /api/docs/:id/export?format=` serves. Kept apart from the converters (and from zod) so
 * the HTTP layer can check a format, and the editor name a download, without loading them.
 */
export const EXPORT_FORMATS = {
  markdown: { contentType: 'text/markdown; charset=utf-8', extension: 'md' },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html' },
  json: { contentType: 'application/json; charset=utf-8', extension: 'json' },
  text: { contentType: 'text/plain; charset=utf-8', extension: 'txt' },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' },
} as const satisfies Record<string, { contentType: string; extension: string }>;

export type ExportFormat = keyof typeof EXPORT_FORMATS;

/** The formats whose export is text (the rest are binary files, e.g. DOCX). */
export type TextExportFormat = Exclude<ExportFormat, 'docx'>;

/** True when `s` names one of `EXPORT_FORMATS`. */
export function isExportFormat(s: unknown): s is ExportFormat {
  return typeof s === 'string' && Object.hasOwn(EXPORT_FORMATS, s);
}
