/**
 * Helpers for the import and write-API tests: requests as scripts and the editor send them, a real .docx
 * built the way Word lays one out (a ZIP with the three parts a reader needs), and a count of stored documents.
 */
import { readdir } from 'node:fs/promises';
import JSZip from 'jszip';
import type { TestServer } from '../support/harness.js';

export interface Answer {
  status: number;
  text: string;
  json: any;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (an export)
  }
  return { status: res.status, text, json };
}

export async function request(server: TestServer, method: string, path: string, init: { token?: string; json?: unknown; body?: BodyInit; type?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.token) headers['authorization'] = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.type) headers['content-type'] = init.type;
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  return answer(await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }));
}

/** `POST /api/docs` with JSON; the created document's id and edit token (or the refusal). */
export const importJson = (server: TestServer, body: unknown) => request(server, 'POST', '/api/docs', { json: body });

/** A file upload to `POST /api/docs/import`. */
export const importFile = (server: TestServer, bytes: string | Uint8Array, type: string, title?: string) =>
  request(server, 'POST', `/api/docs/import${title ? `?title=${encodeURIComponent(title)}` : ''}`, { body: asBody(bytes), type });

/** Bytes as fetch takes them (a copy on its own ArrayBuffer); strings as they are. */
export const asBody = (bytes: string | Uint8Array): BodyInit => (typeof bytes === 'string' ? bytes : new Uint8Array(bytes));

export async function exported(server: TestServer, id: string, token: string, format: string): Promise<string> {
  const res = await request(server, 'GET', `/api/docs/${id}/export?format=${format}`, { token });
  if (res.status !== 200) throw new Error(`export failed: ${res.status} ${res.text}`);
  return res.text;
}

/** How many documents the file store holds (one directory each). */
export async function storedDocs(server: TestServer): Promise<number> {
  const walk = async (dir: string): Promise<number> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    let count = entries.some((e) => e.isFile() && e.name === 'meta.json') ? 1 : 0;
    for (const e of entries) if (e.isDirectory()) count += await walk(`${dir}/${e.name}`);
    return count;
  };
  return walk(server.dataDir);
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** Paragraph XML: `style` a Word style id (`Heading1`, `ListParagraph` …), runs of [text, bold?]. */
export function wordParagraph(runs: [string, boolean?][], style?: string, numbered?: boolean): string {
  const props = style || numbered
    ? `<w:pPr>${style ? `<w:pStyle w:val="${style}"/>` : ''}${numbered ? '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>' : ''}</w:pPr>`
    : '';
  const body = runs.map(([text, bold]) => `<w:r>${bold ? '<w:rPr><w:b/></w:rPr>' : ''}<w:t xml:space="preserve">${text}</w:t></w:r>`).join('');
  return `<w:p>${props}${body}</w:p>`;
}

/** A picture part of a .docx: stored at `word/media/<name>`, named by relationship `relId`. */
export interface WordMedia {
  relId: string;
  name: string;
  bytes: Uint8Array;
}

/**
 * A real .docx (Office Open XML package) holding `paragraphs`, with a bullet list definition for numbered
 * ones and `media` as picture parts (`wordPicture` shows one).
 */
export async function buildDocx(paragraphs: string[], media: WordMedia[] = []): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Default Extension="png" ContentType="image/png"/>
<Default Extension="svg" ContentType="image/svg+xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
</Types>`,
  );
  zip.file(
    '_rels/.rels',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`,
  );
  zip.file(
    'word/_rels/document.xml.rels',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
${media.map((m) => `<Relationship Id="${m.relId}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/${m.name}"/>`).join('\n')}
</Relationships>`,
  );
  zip.file(
    'word/styles.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="${W}">
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/></w:style>
</w:styles>`,
  );
  zip.file(
    'word/numbering.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="${W}">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>`,
  );
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="${W}" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>${paragraphs.join('')}</w:body></w:document>`,
  );
  for (const m of media) zip.file(`word/media/${m.name}`, m.bytes);
  return zip.generateAsync({ type: 'uint8array' });
}

/** How many uploads the file store holds, over all documents (one file each in a document's `uploads`). */
export async function storedUploads(server: TestServer): Promise<number> {
  const walk = async (dir: string, inUploads: boolean): Promise<number> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    let count = 0;
    for (const e of entries) {
      if (e.isDirectory()) count += await walk(`${dir}/${e.name}`, e.name === 'uploads');
      else if (inUploads && !e.name.startsWith('.')) count += 1;
    }
    return count;
  };
  return walk(server.dataDir, false);
}

/** A run holding a picture: the `word/media` part that relationship `relId` names, with `alt` as its description. */
export function wordPicture(relId: string, alt: string): string {
  return `<w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="Picture 1" descr="${alt}"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:blipFill><a:blip r:embed="${relId}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`;
}
