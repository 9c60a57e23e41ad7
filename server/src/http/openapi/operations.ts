import { EXPORT_FORMATS, MAX_TITLE_LENGTH } from '@tandem/common';
import {
  addContentBody,
  commentList,
  contentWritten,
  createDocBody,
  createdDoc,
  createVersionBody,
  docInfo,
  docLinks,
  errorBody,
  historyAttribution,
  historyDiff,
  historyTimeline,
  replaceContentBody,
  requesterBody,
  restoreResult,
  revertBody,
  revertResult,
  uploadInfo,
  versionInfo,
  versionList,
} from '@tandem/common/api';
import { z } from 'zod';
import { renameBody } from '../../auth/user-docs/routes.js';
import { IMPORT_MEDIA_TYPES } from '../../import/formats.js';
import type { Answer, Operation, QueryParameter } from './describe.js';

// Examples: the tests parse each one with the schema it illustrates, so they stay true.
const DOC_ID = 'q3nV0kYx2bFh8WcJ1pLr7A';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJkb2MiOiJxM25WMGtZeDJiRmg4V2NKMXBMcjdBIiwic2NvcGUiOiJlZGl0In0.c2lnbmF0dXJl';
const LINK = `https://docs.example.org/d/${DOC_ID}#token=${TOKEN}`;
const AT = '2026-12-03T10:15:00.000Z';

const json = (schema: z.ZodType, example?: unknown) => ({ 'application/json': { schema, ...(example === undefined ? {} : { example }) } });

const refusal = (description: string, code: string, error: string): Answer => ({
  description,
  content: json(errorBody, { error, code }),
});

const BAD_INPUT = refusal('Bad input: the message says what is wrong.', 'bad_request', 'name must be 1–200 characters');
const NO_TOKEN = refusal('Missing, invalid or expired token.', 'token_invalid', 'a valid token is required');
const WRONG_TOKEN = refusal('A token for another document, or a scope too weak for this route.', 'forbidden', 'this link cannot change the document');
const UNKNOWN = refusal('No such document (or version).', 'not_found', 'no such document');
const TOO_LARGE = refusal('The body (or the resulting document) is larger than the limit.', 'too_large', 'request body too large');
const HISTORY_OFF_OR_UNKNOWN = refusal('No such document or version, or history is switched off (`HISTORY=off`).', 'unknown_version', 'no such version');

/** Every route with a token can be refused the same three ways. */
const TOKEN_REFUSALS = { 401: NO_TOKEN, 403: WRONG_TOKEN, 404: UNKNOWN } as const;

const exportFormat: QueryParameter = {
  name: 'format',
  description: 'Output format (default `markdown`).',
  schema: z.enum(Object.keys(EXPORT_FORMATS) as [keyof typeof EXPORT_FORMATS, ...(keyof typeof EXPORT_FORMATS)[]]),
};
const exportComments: QueryParameter = {
  name: 'comments',
  description: '`1` adds the comment threads (as footnotes in markdown and text, a section in HTML, a field in JSON).',
  schema: z.enum(['1', '0', 'true', 'false']),
};
const exportImages: QueryParameter = {
  name: 'images',
  description: '`link` (default: each image linked with a fresh view token) or `embed` (as `data:` URIs).',
  schema: z.enum(['link', 'embed']),
};
const exportAnswer: Answer = {
  description: 'The document in that format, as a download (`Content-Disposition: attachment`).',
  content: Object.fromEntries(Object.values(EXPORT_FORMATS).map(({ contentType }) => [contentType.split(';')[0]!, {}])),
};
const historyPoint = (name: string, fallback: string): QueryParameter => ({
  name,
  description: `A point in the history: \`start\`, \`now\`, a version id or \`@<n>\` (after the first n changes). Default \`${fallback}\`.`,
  schema: z.string(),
});

const authors = [{ name: 'Alice', color: '#3b82f6' }];
const version = {
  id: 'v1Tq8mB2',
  createdAt: AT,
  name: 'Sent to the board',
  kind: 'named' as const,
  authors: ['Alice'],
  authorDetails: authors,
  inserted: 120,
  deleted: 4,
  changes: 57,
};

const signedInUser = z.object({ sub: z.string(), name: z.string(), picture: z.string().nullable() });
const myDoc = z.object({
  id: z.string(),
  title: z.string(),
  role: z.enum(['created', 'opened']),
  scope: z.enum(['view', 'comment', 'edit']),
  createdAt: z.string(),
  updatedAt: z.string(),
  openedAt: z.string(),
  url: z.string(),
  token: z.string(),
});

/** Readiness answers: a status, and each engine (`postgres`, `redis`) reachable or not. */
const readiness = z.object({ status: z.string() }).catchall(z.boolean());

/** Every route the app serves, described [API1]; `test/http/openapi.test.ts` checks none is missing. */
export const OPERATIONS: readonly Operation[] = [
  {
    method: 'post',
    path: '/api/docs',
    operationId: 'createDocument',
    tag: 'documents',
    summary: 'Create a document',
    description: `Answers with the document's id and its three share links. The title is at most ${MAX_TITLE_LENGTH} characters. With \`content\` (and its \`format\`: markdown, html or text) the new document holds that content, sanitised, up to \`IMPORT_MAX_BYTES\`.`,
    body: { 'application/json': { schema: createDocBody, example: { title: 'Meeting notes', content: '# Agenda\n\n- [ ] Budget', format: 'markdown' }, required: false } },
    responses: {
      201: {
        description: 'Created.',
        content: json(createdDoc, {
          id: DOC_ID,
          editUrl: LINK,
          viewUrl: LINK,
          commentUrl: LINK,
          editToken: TOKEN,
          viewToken: TOKEN,
          commentToken: TOKEN,
        }),
      },
      400: BAD_INPUT,
      401: refusal('`CREATE_DOCS` asks for sign-in or `Authorization: Bearer <API_TOKEN>`, and the request has neither.', 'token_invalid', 'the API token is not valid'),
      413: TOO_LARGE,
    },
  },
  {
    method: 'post',
    path: '/api/docs/import',
    operationId: 'importDocument',
    tag: 'documents',
    summary: 'Create a document from a file (Markdown, HTML, text or DOCX)',
    description: 'The body is the file; its Content-Type names the format. Sanitised: scripts, event handlers and `javascript:` URLs never reach the document. Nothing is created on any error.',
    query: [{ name: 'title', description: "The new document's title (default: the file's own, if it has one).", schema: z.string() }],
    body: Object.fromEntries(IMPORT_MEDIA_TYPES.map((type) => [type, { schema: z.string() }])),
    responses: {
      201: {
        description: 'Created.',
        content: json(createdDoc, {
          id: DOC_ID,
          editUrl: LINK,
          viewUrl: LINK,
          commentUrl: LINK,
          editToken: TOKEN,
          viewToken: TOKEN,
          commentToken: TOKEN,
        }),
      },
      400: refusal('A corrupt file: the message says what is wrong.', 'bad_import', 'the file is not a Word document (no word/document.xml)'),
      401: refusal('`CREATE_DOCS` asks for sign-in or the API token.', 'token_invalid', 'the API token is not valid'),
      413: TOO_LARGE,
      415: refusal('Not an importable type.', 'unsupported_type', 'cannot import image/png'),
    },
  },
  {
    method: 'put',
    path: '/api/docs/:id/content',
    operationId: 'replaceContent',
    tag: 'documents',
    summary: "Replace the document's content (and title, if given)",
    description: 'One change that connected peers receive live, recorded in the history with the author "API". Unchanged blocks keep their identity, so people editing elsewhere keep their cursor.',
    scope: 'edit',
    body: { 'application/json': { schema: replaceContentBody, example: { content: '# Minutes\n\nApproved.', format: 'markdown', title: 'Board minutes' } } },
    responses: {
      200: { description: 'Written; `changed` false when the document already held exactly that.', content: json(contentWritten, { id: DOC_ID, title: 'Board minutes', changed: true }) },
      400: BAD_INPUT,
      413: TOO_LARGE,
      ...TOKEN_REFUSALS,
    },
  },
  {
    method: 'post',
    path: '/api/docs/:id/content',
    operationId: 'addContent',
    tag: 'documents',
    summary: 'Add content at the start or the end of the document',
    scope: 'edit',
    body: { 'application/json': { schema: addContentBody, example: { content: 'Action items follow.', format: 'text', position: 'end' } } },
    responses: {
      200: { description: 'Written.', content: json(contentWritten, { id: DOC_ID, title: 'Board minutes', changed: true }) },
      400: BAD_INPUT,
      413: TOO_LARGE,
      ...TOKEN_REFUSALS,
    },
  },
  {
    method: 'put',
    path: '/api/docs/:id/import',
    operationId: 'replaceWithFile',
    tag: 'documents',
    summary: "Replace the document's content with a file (Markdown, HTML, text or DOCX)",
    scope: 'edit',
    query: [
      { name: 'title', description: 'A new title.', schema: z.string() },
      { name: 'author', description: 'Who the history names for the change (a label, never access).', schema: z.string() },
    ],
    body: Object.fromEntries(IMPORT_MEDIA_TYPES.map((type) => [type, { schema: z.string() }])),
    responses: {
      200: { description: 'Written.', content: json(contentWritten, { id: DOC_ID, title: 'Board minutes', changed: true }) },
      400: BAD_INPUT,
      413: TOO_LARGE,
      415: refusal('Not an importable type.', 'unsupported_type', 'cannot import image/png'),
      ...TOKEN_REFUSALS,
    },
  },
  {
    method: 'get',
    path: '/api/docs/:id',
    operationId: 'getDocument',
    tag: 'documents',
    summary: "A document's title, times and what the token may do",
    scope: 'view',
    responses: {
      200: {
        description: 'The document.',
        content: json(docInfo, { id: DOC_ID, title: 'Meeting notes', createdAt: AT, updatedAt: AT, scope: 'edit', linkGeneration: 0 }),
      },
      ...TOKEN_REFUSALS,
    },
  },
  {
    method: 'delete',
    path: '/api/docs/:id',
    operationId: 'deleteDocument',
    tag: 'documents',
    summary: 'Delete the document, for good',
    description:
      'Everything goes: content, history, versions, comments, uploads, metadata. Open sockets (on every instance) are closed ' +
      'with 4404; afterwards every route of the document answers 404. A 204 is sent only once the delete is durable.',
    scope: 'edit',
    responses: {
      204: { description: 'Deleted.' },
      ...TOKEN_REFUSALS,
      500: refusal('The store failed: nothing was deleted, the document is served again.', 'internal', 'internal error'),
    },
  },
  {
    method: 'get',
    path: '/api/docs/:id/links',
    operationId: 'getLinks',
    tag: 'documents',
    summary: 'The share links (edit, comment, view) at the current generation',
    scope: 'edit',
    responses: {
      200: {
        description: 'Freshly signed links.',
        content: json(docLinks, { editUrl: LINK, viewUrl: LINK, commentUrl: LINK, editToken: TOKEN, viewToken: TOKEN, commentToken: TOKEN }),
      },
      ...TOKEN_REFUSALS,
    },
  },
  {
    method: 'post',
    path: '/api/docs/:id/links/rotate',
    operationId: 'rotateLinks',
    tag: 'documents',
    summary: 'Reset the share links',
    description: 'Every earlier link stops working at once, sockets already open with one included (closed with 4401).',
    scope: 'edit',
    responses: {
      200: {
        description: 'The new links.',
        content: json(docLinks, { editUrl: LINK, viewUrl: LINK, commentUrl: LINK, editToken: TOKEN, viewToken: TOKEN, commentToken: TOKEN }),
      },
      ...TOKEN_REFUSALS,
    },
  },
  {
    method: 'get',
    path: '/api/docs/:id/export',
    operationId: 'exportDocument',
    tag: 'documents',
    summary: 'Export the document',
    scope: 'view',
    query: [exportFormat, exportComments, exportImages],
    responses: { 200: exportAnswer, 400: BAD_INPUT, ...TOKEN_REFUSALS },
  },
  {
    method: 'post',
    path: '/api/docs/:id/uploads',
    operationId: 'uploadImage',
    tag: 'documents',
    summary: 'Upload an image (PNG, JPEG, GIF or WebP) for the document',
    description:
      'The raw bytes as the body. The type is read from the bytes, never from Content-Type; the whole file is checked ' +
      '(truncated and polyglot files, SVG and anything else are refused). Content-addressed: the same bytes are stored once. ' +
      'A document holds at most UPLOAD_DOC_MAX_FILES images and UPLOAD_DOC_MAX_BYTES of them; an upload past that is ' +
      'refused with 413 `uploads_full` (bytes the document already holds are free).',
    scope: 'edit',
    body: { 'application/octet-stream': { schema: z.string() } },
    responses: {
      201: {
        description: 'Stored (or already there).',
        content: json(uploadInfo, { src: `/api/docs/${DOC_ID}/uploads/${'ab'.repeat(32)}`, hash: 'ab'.repeat(32), type: 'image/png', width: 640, height: 480 }),
      },
      400: refusal('A truncated or polyglot file: the message says what is wrong.', 'bad_image', 'the PNG ends before its IEND chunk'),
      413: TOO_LARGE,
      415: refusal('Not PNG, JPEG, GIF or WebP (SVG included).', 'unsupported_type', 'SVG images are not accepted'),
      ...TOKEN_REFUSALS,
    },
  },
  {
    method: 'get',
    path: '/api/docs/:id/uploads/:hash',
    operationId: 'getImage',
    tag: 'documents',
    summary: 'An uploaded image of the document',
    description: 'Served with its sniffed type, `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy.',
    scope: 'view',
    responses: {
      200: { description: 'The image.', content: { 'image/png': {}, 'image/jpeg': {}, 'image/gif': {}, 'image/webp': {} } },
      ...TOKEN_REFUSALS,
    },
  },
  {
    method: 'get',
    path: '/api/docs/:id/comments',
    operationId: 'listComments',
    tag: 'comments',
    summary: 'Comment threads, in document order',
    scope: 'view',
    responses: {
      200: {
        description: 'Threads; those whose text was deleted (`detached`) come last.',
        content: json(commentList, {
          threads: [
            {
              id: 't1',
              quote: 'by Friday',
              resolved: false,
              detached: false,
              comments: [{ id: 'c1', author: 'Bob', body: 'Can we say Monday?', createdAt: AT }],
            },
          ],
        }),
      },
      ...TOKEN_REFUSALS,
    },
  },
  {
    method: 'get',
    path: '/api/docs/:id/versions',
    operationId: 'listVersions',
    tag: 'history',
    summary: 'Versions, newest first',
    scope: 'view',
    responses: { 200: { description: 'The versions.', content: json(versionList, { versions: [version] }) }, ...TOKEN_REFUSALS },
  },
  {
    method: 'post',
    path: '/api/docs/:id/versions',
    operationId: 'createVersion',
    tag: 'history',
    summary: 'Name the document as it is now',
    scope: 'edit',
    body: { 'application/json': { schema: createVersionBody, example: { name: 'Sent to the board' } } },
    responses: { 201: { description: 'The new version.', content: json(versionInfo, version) }, 400: BAD_INPUT, 413: TOO_LARGE, ...TOKEN_REFUSALS },
  },
  {
    method: 'get',
    path: '/api/docs/:id/versions/:vid/export',
    operationId: 'exportVersion',
    tag: 'history',
    summary: 'Export the document as it was at a version',
    scope: 'view',
    query: [exportFormat, exportComments, exportImages],
    responses: { 200: exportAnswer, 400: BAD_INPUT, 401: NO_TOKEN, 403: WRONG_TOKEN, 404: HISTORY_OFF_OR_UNKNOWN },
  },
  {
    method: 'post',
    path: '/api/docs/:id/versions/:vid/restore',
    operationId: 'restoreVersion',
    tag: 'history',
    summary: 'Make the content and title what they were at a version',
    description: 'One forward change that connected peers receive live; the state just before is kept as a `restore` version, which the answer names.',
    scope: 'edit',
    body: { 'application/json': { schema: requesterBody, example: { author: { name: 'Alice', color: '#3b82f6' } }, required: false } },
    responses: {
      200: { description: 'Restored.', content: json(restoreResult, { version: { ...version, kind: 'restore', name: null } }) },
      400: BAD_INPUT,
      401: NO_TOKEN,
      403: WRONG_TOKEN,
      404: HISTORY_OFF_OR_UNKNOWN,
      413: TOO_LARGE,
    },
  },
  {
    method: 'get',
    path: '/api/docs/:id/history',
    operationId: 'historyTimeline',
    tag: 'history',
    summary: 'The recorded changes, thinned for a timeslider',
    scope: 'view',
    responses: {
      200: { description: 'The timeline.', content: json(historyTimeline, { total: 57, authors, points: [{ n: 57, at: 1796292900000, author: 0 }] }) },
      ...TOKEN_REFUSALS,
    },
  },
  {
    method: 'get',
    path: '/api/docs/:id/history/diff',
    operationId: 'historyDiff',
    tag: 'history',
    summary: 'What changed between two points, and who changed it',
    scope: 'view',
    query: [historyPoint('from', 'start'), historyPoint('to', 'now')],
    responses: {
      200: {
        description: 'The `to` text, marked.',
        content: json(historyDiff, {
          from: 'start',
          to: 'now',
          authors,
          title: [{ text: 'Notes', change: 'insert', author: 0, at: 1796292900000 }],
          blocks: [{ type: 'paragraph', path: [], change: 'insert', segments: [{ text: 'Hello', change: 'insert', author: 0, at: 1796292900000 }] }],
        }),
      },
      400: BAD_INPUT,
      401: NO_TOKEN,
      403: WRONG_TOKEN,
      404: HISTORY_OFF_OR_UNKNOWN,
    },
  },
  {
    method: 'get',
    path: '/api/docs/:id/history/attribution',
    operationId: 'historyAttribution',
    tag: 'history',
    summary: 'Who inserted each run of the live document, by Yjs id',
    scope: 'view',
    responses: {
      200: { description: 'Runs `[client, clock, length, author, at]`.', content: json(historyAttribution, { authors, runs: [[12345, 0, 5, 0, 1796292900000]] }) },
      ...TOKEN_REFUSALS,
    },
  },
  {
    method: 'post',
    path: '/api/docs/:id/history/revert',
    operationId: 'revertAuthor',
    tag: 'history',
    summary: "Undo one author's changes since a time, keeping everyone else's",
    scope: 'edit',
    body: { 'application/json': { schema: revertBody, example: { target: 'Mallory', since: AT, author: { name: 'Alice' } } } },
    responses: {
      200: { description: '`changed` false when there was nothing to undo.', content: json(revertResult, { changed: true, version: { ...version, kind: 'restore', name: null } }) },
      400: BAD_INPUT,
      413: TOO_LARGE,
      ...TOKEN_REFUSALS,
    },
  },
  {
    method: 'get',
    path: '/api/config',
    operationId: 'serverConfig',
    tag: 'identity',
    summary: 'What the editor must know: whether sign-in exists and who may create documents',
    responses: {
      200: {
        description: 'The settings.',
        content: json(
          z.object({ signIn: z.boolean(), createDocs: z.enum(['anyone', 'signed-in', 'token']), linksRequireSignIn: z.boolean().optional() }).strict(),
          { signIn: true, createDocs: 'signed-in', linksRequireSignIn: false },
        ),
      },
    },
  },
  {
    method: 'get',
    path: '/auth/login',
    operationId: 'signIn',
    tag: 'identity',
    summary: 'Start signing in (authorization code with PKCE, state and nonce)',
    when: 'signIn',
    query: [{ name: 'returnTo', description: 'A path on this site to come back to.', schema: z.string() }],
    responses: {
      302: { description: "To the identity provider's login page." },
      503: refusal('The identity provider cannot be reached.', 'provider_unavailable', 'the identity provider cannot be reached'),
    },
  },
  {
    method: 'get',
    path: '/auth/callback',
    operationId: 'signInCallback',
    tag: 'identity',
    summary: "The identity provider's answer: sets the session cookie",
    when: 'signIn',
    responses: {
      302: { description: 'Signed in: back to `returnTo`.' },
      400: refusal('No sign-in in progress, a state that does not match, or a code refused (e.g. replayed).', 'bad_state', 'the sign-in answer does not match this browser’s sign-in'),
    },
  },
  {
    method: 'post',
    path: '/auth/logout',
    operationId: 'signOut',
    tag: 'identity',
    summary: 'Sign out (clears the session cookie)',
    when: 'signIn',
    responses: { 204: { description: 'Signed out.' } },
  },
  {
    method: 'get',
    path: '/api/me',
    operationId: 'me',
    tag: 'identity',
    summary: 'The signed-in person (session cookie)',
    when: 'signIn',
    responses: {
      200: { description: 'Who is signed in.', content: json(signedInUser, { sub: 'a1b2c3', name: 'Alice Martin', picture: null }) },
      401: refusal('Not signed in.', 'signed_out', 'not signed in'),
    },
  },
  {
    method: 'post',
    path: '/api/me/token',
    operationId: 'personalToken',
    tag: 'identity',
    summary: 'Trade a share-link token (Bearer) for one that names the signed-in person',
    description: 'Same document, scope and expiry, plus `sub` and `name`, so the server stamps their name on presence, history and comments. The document joins their list.',
    when: 'signIn',
    scope: 'view',
    responses: {
      200: { description: 'The personal token.', content: json(z.object({ token: z.string() }), { token: TOKEN }) },
      401: refusal('Not signed in, or the share token is invalid.', 'signed_out', 'not signed in'),
      403: WRONG_TOKEN,
      404: UNKNOWN,
    },
  },
  {
    method: 'get',
    path: '/api/me/docs',
    operationId: 'myDocuments',
    tag: 'identity',
    summary: 'Documents the signed-in person created or opened',
    when: 'signIn',
    query: [
      { name: 'q', description: 'Only titles containing this (any case).', schema: z.string() },
      { name: 'sort', description: 'Order (default `updated`).', schema: z.enum(['updated', 'opened', 'title']) },
    ],
    responses: {
      200: {
        description: 'Their documents, each with a personal link.',
        content: json(z.object({ docs: z.array(myDoc) }), {
          docs: [{ id: DOC_ID, title: 'Meeting notes', role: 'created', scope: 'edit', createdAt: AT, updatedAt: AT, openedAt: AT, url: LINK, token: TOKEN }],
        }),
      },
      400: BAD_INPUT,
      401: refusal('Not signed in.', 'signed_out', 'not signed in'),
    },
  },
  {
    method: 'patch',
    path: '/api/me/docs/:id',
    operationId: 'renameMyDocument',
    tag: 'identity',
    summary: 'Rename one of my documents (needs edit access to it)',
    when: 'signIn',
    body: { 'application/json': { schema: renameBody, example: { title: 'Board minutes' } } },
    responses: {
      200: { description: 'Renamed: a live change of the title.', content: json(z.object({ id: z.string(), title: z.string() }), { id: DOC_ID, title: 'Board minutes' }) },
      400: BAD_INPUT,
      401: refusal('Not signed in.', 'signed_out', 'not signed in'),
      403: refusal('Only view access to this document.', 'forbidden', 'you may only view this document'),
      404: refusal('Not in my documents.', 'unknown_document', 'not in your documents'),
    },
  },
  {
    method: 'delete',
    path: '/api/me/docs/:id',
    operationId: 'forgetMyDocument',
    tag: 'identity',
    summary: 'Take a document off my list (the document itself stays)',
    when: 'signIn',
    responses: { 204: { description: 'Removed from the list.' }, 401: refusal('Not signed in.', 'signed_out', 'not signed in') },
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'openApi',
    tag: 'operations',
    summary: 'This description',
    responses: { 200: { description: 'OpenAPI 3.1.', content: { 'application/json': {} } } },
  },
  {
    method: 'get',
    path: '/livez',
    operationId: 'livez',
    tag: 'operations',
    summary: 'Liveness: the process answers',
    responses: { 200: { description: 'Alive.', content: json(z.object({ status: z.literal('alive') }), { status: 'alive' }) } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readyz',
    tag: 'operations',
    summary: 'Readiness: the store and bus are reachable and the server is not draining',
    responses: {
      200: { description: 'Ready.', content: json(readiness, { status: 'ok', postgres: true, redis: true }) },
      503: { description: 'Draining or an engine is unreachable.', content: json(readiness, { status: 'not_ready', postgres: false }) },
    },
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'healthz',
    tag: 'operations',
    summary: 'The same as /readyz (kept for existing setups)',
    responses: {
      200: { description: 'Ready.', content: json(readiness, { status: 'ok' }) },
      503: { description: 'Draining or an engine is unreachable.', content: json(readiness, { status: 'draining' }) },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    description: 'With `METRICS_TOKEN` set, needs `Authorization: Bearer <METRICS_TOKEN>`.',
    responses: { 200: { description: 'Prometheus text format.', content: { 'text/plain': {} } }, 401: NO_TOKEN },
  },
  {
    method: 'get',
    path: '/collab/:id',
    operationId: 'collab',
    tag: 'documents',
    summary: 'The collaboration socket (WebSocket upgrade only)',
    description:
      'Upgrade with `?token=` to speak the y-websocket protocol. A plain request gets the same refusals an upgrade would, then 404.',
    scope: 'view',
    responses: { 101: { description: 'Switching to the WebSocket.' }, 400: BAD_INPUT, ...TOKEN_REFUSALS, 503: refusal('Draining or at a connection limit: try again later.', 'unavailable', 'server is shutting down') },
  },
  {
    method: 'get',
    path: '/',
    operationId: 'startPage',
    tag: 'pages',
    summary: 'The start page',
    responses: { 200: { description: 'The editor app.', content: { 'text/html': {} } } },
  },
  {
    method: 'get',
    path: '/d/:id',
    operationId: 'documentPage',
    tag: 'pages',
    summary: "A document's page (the token travels in the URL fragment, never to the server)",
    responses: { 200: { description: 'The editor app.', content: { 'text/html': {} } } },
  },
  {
    method: 'get',
    path: '/favicon.svg',
    operationId: 'favicon',
    tag: 'pages',
    summary: 'The icon',
    responses: { 200: { description: 'SVG.', content: { 'image/svg+xml': {} } } },
  },
  {
    method: 'get',
    path: '/sw.js',
    operationId: 'serviceWorker',
    tag: 'pages',
    summary: 'The service worker that keeps the app shell for offline starts',
    responses: { 200: { description: 'JavaScript.', content: { 'text/javascript': {} } } },
  },
];
