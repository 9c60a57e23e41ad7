/**
 * Why an import or a write was refused [IM5]: 400 bad or corrupt input, 413 too large, 415 a file type
 * that cannot be imported. The HTTP layer turns it into the API's error body; nothing was created or changed.
 */
export class ImportError extends Error {
  override name = 'ImportError';
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: 'bad_content' | 'too_large' | 'unsupported_type',
    message: string,
  ) {
    super(message);
  }
}

export const badContent = (message: string) => new ImportError(400, 'bad_content', message);
