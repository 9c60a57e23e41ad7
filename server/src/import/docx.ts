/**
 * [IM2] Word files: mammoth (a maintained .docx → HTML converter) writes HTML, which then takes the HTML
 * import's path, sanitising included [IM4]. Each picture (a `word/media` part) is handed on as a `data:` URI,
 * which the image step checks and stores as an upload like any other [IM7]; mammoth is told never to open
 * files a document links to.
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
      { externalFileAccess: false, convertImage: mammoth.images.imgElement(embeddedImage) },
    );
    return result.value;
  } catch (error) {
    throw badContent(`not a readable .docx file: ${(error as Error).message}`);
  }
}

/** A picture of the document as a `data:` URI; its declared type is a guess the image step does not trust. */
async function embeddedImage(image: { contentType: string; readAsBase64String(): Promise<string> }): Promise<{ src: string }> {
  const type = /^[a-z]+\/[a-z0-9.+-]+$/i.test(image.contentType) ? image.contentType : 'application/octet-stream';
  return { src: `data:${type};base64,${await image.readAsBase64String()}` };
}
