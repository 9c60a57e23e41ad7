import { randomBytes } from 'node:crypto';
import type { Scope } from '@tandem/common';
import type { ChangeAuthor, ChangeSource } from './entry.js';

/**
 * [HI2] The author of a change made over HTTP (restore, revert, the write API, a rename): what the caller's
 * token proves (scope, generation, the person it names) and a session of its own, since no socket
 * announced anything. Every HTTP route that changes a document builds its author here.
 */
export function requestAuthor(who: {
  scope: Scope;
  generation: number;
  name: string;
  color?: string | null;
  user?: string | null;
  source: ChangeSource;
}): ChangeAuthor {
  return {
    session: `http-${randomBytes(6).toString('base64url')}`,
    name: who.name,
    color: who.color ?? null,
    scope: who.scope,
    generation: who.generation,
    user: who.user ?? null,
    source: who.source,
  };
}
