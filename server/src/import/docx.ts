/**
 * [IM2] Word files: mammoth (a maintained .docx → HTML converter) writes HTML, which then takes the HTML
 * import's path, sanitising included [IM4]. Images are left out (the schema holds none yet), and mammoth is
 * told never to open files a document links to.
 */
import { badContent } from './errors.js';

/** A ZIP archive starts with a local file header; a .docx is one. */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export async function docxToHtml(file: Uint8Array): Promise<string> {
  if (file.byteLength < 4 || ZIP_MAGIC.some((byte, i) => file[i] !== byte)) {
    throw badContent('not a .docx file: it is not a ZIP archive');
  }
  const { default: mammoth } = await import('mammoth');
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(file.buffer, file.byteOffset, file.byteLength) },
      { externalFileAccess: false, convertImage: mammoth.images.imgElement(async () => ({ src: '' })) },
    );
    return result.value;
  } catch (error) {
    throw badContent(`not a readable .docx file: ${(error as Error).message}`);
  }
}
