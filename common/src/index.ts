/**
 * What the server and the editor agree on, in one place. This entry point is light (Yjs only): the API's
 * zod schemas are `@tandem/common/api`, the Tiptap document schema `@tandem/common/schema`, so the server
 * loads Tiptap only for its first export and the editor never bundles zod.
 */
export { CloseCode } from './close-codes.js';
export {
  COMMENTS_MAP,
  COMMENT_FIELDS,
  COMMENT_LIMITS,
  THREAD_FIELDS,
  type CommentField,
  type ThreadField,
} from './comments.js';
export { EXPORT_FORMATS, type ExportFormat, type TextExportFormat, isExportFormat } from './export-formats.js';
export { DOC_ID_CHARS, DOC_ID_PATTERN, isValidDocId } from './ids.js';
export {
  CONTENT_FRAGMENT,
  LEGACY_META_MAP,
  LEGACY_TITLE_KEY,
  MAX_TITLE_LENGTH,
  TITLE_TEXT,
  readTitle,
  titleText,
} from './layout.js';
export { SCOPES, type Scope, isScope, scopeAllows } from './scopes.js';
export { initialState, seedEmptyDocument } from './seed.js';
export { UPLOAD_IMAGE_TYPES, UPLOAD_PATH_PATTERN, parseUploadPath, uploadPath, withUploadToken } from './uploads.js';
