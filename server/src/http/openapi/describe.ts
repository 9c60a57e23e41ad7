import type { Scope } from '@tandem/common';
import { z } from 'zod';

/**
 * One route as the OpenAPI description tells it [API1]. Bodies and answers name the zod schemas the route
 * itself parses or shapes with, so the description cannot drift from what is validated.
 */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Hono's spelling (`/api/docs/:id`); turned into `{id}` for OpenAPI. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  /** The weakest share-link scope the route accepts; absent for routes without a token. */
  scope?: Scope;
  query?: QueryParameter[];
  body?: RequestBodies;
  /** Served only when the server is configured so: `signIn` = with OpenID Connect sign-in (`OIDC_*`). */
  when?: 'signIn';
  responses: Record<number, Answer>;
}

export type Tag = 'documents' | 'history' | 'comments' | 'identity' | 'operations' | 'pages';

export interface QueryParameter {
  name: string;
  description: string;
  schema: z.ZodType;
  required?: boolean;
}

/** Request bodies by media type; a JSON body comes with an example the tests check against its schema. */
export type RequestBodies = Record<string, { schema: z.ZodType; example?: unknown; required?: boolean }>;

export interface Answer {
  description: string;
  /** Media type → schema (JSON) or a plain description of a non-JSON body. */
  content?: Record<string, { schema?: z.ZodType; example?: unknown }>;
}

const TAG_DESCRIPTIONS: Record<Tag, string> = {
  documents: 'Create, read and export documents; share links.',
  history: 'Versions, the timeline, diffs, restore and revert (server/SPEC.md §HI).',
  comments: 'Comment threads stored in the document.',
  identity: 'Who may create documents, sign-in with OpenID Connect and "My documents" (routes marked `x-when: signIn` exist only with `OIDC_*` set).',
  operations: 'Health, readiness and metrics for orchestrators.',
  pages: 'The editor app: HTML pages for people, not programs.',
};

/** `/api/docs/:id/versions/:vid` → `/api/docs/{id}/versions/{vid}`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

/** JSON Schema 2020-12, which OpenAPI 3.1 uses as is; requests are described as the parser reads them. */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const mediaContent = (content: Record<string, { schema?: z.ZodType; example?: unknown }>, io: 'input' | 'output') =>
  Object.fromEntries(
    Object.entries(content).map(([type, { schema, example }]) => [
      type,
      {
        schema: schema ? jsonSchema(schema, io) : { type: 'string', format: type.startsWith('text/') ? undefined : 'binary' },
        ...(example === undefined ? {} : { example }),
      },
    ]),
  );

/** The OpenAPI 3.1 document for these operations. */
export function openApiDocument(operations: readonly Operation[], info: { version: string; serverUrl: string }): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const op of operations) {
    const pathParams = [...op.path.matchAll(/:([A-Za-z_]+)/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
      description: name === 'id' ? 'The document id (22 URL-safe characters).' : name === 'vid' ? 'A version id.' : name === 'hash' ? "The image's sha256, 64 hex digits." : name,
    }));
    const query = (op.query ?? []).map((q) => ({
      name: q.name,
      in: 'query',
      required: q.required ?? false,
      description: q.description,
      schema: jsonSchema(q.schema, 'input'),
    }));
    const tokenQuery = op.scope
      ? [{ name: 'token', in: 'query', required: false, description: 'The share-link token, when not sent as a Bearer header.', schema: { type: 'string' } }]
      : [];
    (paths[openApiPath(op.path)] ??= {})[op.method] = {
      operationId: op.operationId,
      tags: [op.tag],
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      ...(op.when ? { 'x-when': op.when } : {}),
      ...(op.scope ? { security: [{ shareToken: [] }, { shareTokenQuery: [] }], 'x-scope': op.scope } : { security: [] }),
      parameters: [...pathParams, ...query, ...tokenQuery],
      ...(op.body
        ? {
            requestBody: {
              required: Object.values(op.body).some((b) => b.required ?? true),
              content: mediaContent(op.body, 'input'),
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([status, answer]) => [
          status,
          { description: answer.description, ...(answer.content ? { content: mediaContent(answer.content, 'output') } : {}) },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tandem',
      version: info.version,
      description:
        'Self-hosted real-time collaborative documents. Tokens come from share links (`#token=` in a link) and are sent as ' +
        '`Authorization: Bearer <token>` or `?token=<token>`. Scopes, weakest first: view < comment < edit; a route accepts ' +
        'its scope (`x-scope`) or a stronger one. Collaboration itself runs over the WebSocket at `/collab/{id}?token=` ' +
        '(the y-websocket protocol), which this description does not cover.',
    },
    servers: [{ url: info.serverUrl }],
    tags: Object.entries(TAG_DESCRIPTIONS).map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: {
        shareToken: { type: 'http', scheme: 'bearer', description: 'A share-link token.' },
        shareTokenQuery: { type: 'apiKey', in: 'query', name: 'token', description: 'A share-link token in the query.' },
      },
    },
    paths,
  };
}
