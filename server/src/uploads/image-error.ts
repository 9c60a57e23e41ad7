/** Why an upload is refused; the HTTP layer maps `status` and shows `message` to the user as it is. */
export class UploadRefusedError extends Error {
  constructor(
    /** 400 damaged or disguised file, 413 too large, 415 a type we do not store. */
    readonly status: 400 | 413 | 415,
    readonly code: 'bad_image' | 'too_large' | 'unsupported_type',
    message: string,
  ) {
    super(message);
    this.name = 'UploadRefusedError';
  }
}

/** A file that claims an image type but whose structure does not hold up (truncated, corrupt, extra bytes). */
export function damaged(what: string, reason: string): UploadRefusedError {
  return new UploadRefusedError(400, 'bad_image', `this ${what} file is damaged or not a plain image: ${reason}`);
}
