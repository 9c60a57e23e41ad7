/**
 * Which files the server imports (server/SPEC.md §IM) and as what: the media type is taken from the file
 * name, since browsers leave `File.type` empty or vary it for `.md` and `.docx`.
 */
import { ApiError } from './api';
import { problemFromApiError } from './errors';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const TYPES: Record<string, string> = {
  md: 'text/markdown',
  markdown: 'text/markdown',
  html: 'text/html',
  htm: 'text/html',
  txt: 'text/plain',
  docx: DOCX_TYPE,
};

/** For `<input type=file accept>`. */
export const IMPORT_ACCEPT = '.md,.markdown,.html,.htm,.txt,.docx';

/** What to tell someone who picked another kind of file. */
export const IMPORT_KINDS = 'a .md, .html, .txt or .docx file';

/** The media type to upload `name` as, or null when it cannot be imported. */
export function importType(name: string): string | null {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return (ext && TYPES[ext]) || null;
}

/** A title from a file name: the name without its extension, with `_` and `-` runs read as spaces. */
export function titleFromFileName(name: string): string {
  return name
    .replace(/\.[a-z0-9]+$/i, '')
    .replace(/[_]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

/** What to say when an import was refused: the server's own words for the file's problem (400/413/415). */
export function importFailure(err: unknown): string {
  if (err instanceof ApiError && (err.status === 400 || err.status === 413 || err.status === 415)) return err.message;
  const p = problemFromApiError(err);
  return p.kind === 'server-down' ? 'Can’t reach the server. Check your connection and try again.' : p.message;
}
