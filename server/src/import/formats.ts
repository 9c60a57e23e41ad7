import type { ContentFormat } from '@tandem/common/api';

/** What can be imported: the API's text formats, and Word files (uploads only: they are binary). */
export type ImportFormat = ContentFormat | 'docx';

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** [IM3] The media types a file upload may declare, and the format each is read as. */
const FILE_TYPES: Record<string, ImportFormat> = {
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'text/plain': 'text',
  [DOCX_MIME]: 'docx',
};

/** The format of an upload from its `Content-Type` (parameters such as `charset` ignored); null: not importable. */
export function formatOfMediaType(contentType: string | undefined): ImportFormat | null {
  const type = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return FILE_TYPES[type] ?? null;
}

/** The media types `formatOfMediaType` accepts, for error messages and the README. */
export const IMPORT_MEDIA_TYPES = Object.keys(FILE_TYPES);
