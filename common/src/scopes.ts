/**
 * What a share link lets its holder do. The list is ordered weakest first, and a stronger scope may do
 * everything a weaker one may: a route or message that needs a scope accepts any stronger one. A new scope
 * is one entry in `SCOPES`, at its place in that order.
 *
 * - `view` reads the document and announces its presence; its updates are dropped.
 * - `comment` reads, and may change only what lies under the root `comments` map (threads and their
 *   comments), within the rules the server enforces (server/SPEC.md §CM).
 * - `edit` may change everything.
 */
export const SCOPES = ['view', 'comment', 'edit'] as const;

export type Scope = (typeof SCOPES)[number];

/** True when `value` is one of `SCOPES` (e.g. a token claim or a server answer being checked). */
export function isScope(value: unknown): value is Scope {
  return (SCOPES as readonly unknown[]).includes(value);
}

/**
 * Whether a link with scope `held` may do what needs `required`.
 *
 * @example scopeAllows('edit', 'view') // true: edit implies view
 */
export function scopeAllows(held: Scope, required: Scope): boolean {
  return SCOPES.indexOf(held) >= SCOPES.indexOf(required);
}
