/**
 * Sign-in as the server offers it (server/SPEC.md §ID): whether it is configured, who is signed in, and the
 * calls a signed-in person needs — trading a share link for a personal token (so the server shows and
 * stamps their name), and their documents. Without sign-in on the server, nothing here changes anything.
 */
import { ApiError } from './api';

export interface ServerConfig {
  signIn: boolean;
  createDocs: 'anyone' | 'signed-in' | 'token';
  linksRequireSignIn?: boolean;
}

export interface Me {
  sub: string;
  name: string;
  picture: string | null;
}

export interface SignInState {
  config: ServerConfig;
  /** Null when signed out (or sign-in is not configured). */
  me: Me | null;
}

export interface MyDoc {
  id: string;
  title: string;
  role: 'created' | 'opened';
  scope: 'view' | 'comment' | 'edit';
  createdAt: string;
  updatedAt: string;
  openedAt: string;
  url: string;
  token: string;
}

export type MyDocsSort = 'updated' | 'opened' | 'title';

const LINKS_ONLY: SignInState = { config: { signIn: false, createDocs: 'anyone' }, me: null };

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, cache: 'no-store', credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'Could not reach the server.');
  }
  if (res.ok) return res;
  let code = `http_${res.status}`;
  let message = res.statusText || `Request failed (${res.status})`;
  try {
    const body = (await res.json()) as { code?: unknown; error?: unknown };
    if (typeof body.code === 'string') code = body.code;
    if (typeof body.error === 'string') message = body.error;
  } catch {
    // Not JSON: the status alone decides.
  }
  throw new ApiError(res.status, code, message);
}

let state: Promise<SignInState> | null = null;

/** The server's sign-in settings and who is signed in; asked once per page load. */
export function signInState(): Promise<SignInState> {
  state ??= (async () => {
    try {
      const config = (await (await call('/api/config')).json()) as ServerConfig;
      if (!config.signIn) return { config, me: null };
      try {
        return { config, me: (await (await call('/api/me')).json()) as Me };
      } catch {
        return { config, me: null };
      }
    } catch {
      // An older server, or none reachable: behave as without sign-in.
      return LINKS_ONLY;
    }
  })();
  return state;
}

/** Where the Sign in button goes: the provider, then back to this page. */
export function signInHref(returnTo: string = location.pathname + location.hash): string {
  // The fragment (the link's token) never reaches the server; the page keeps it in sessionStorage instead.
  if (location.hash) sessionStorage.setItem('tandem:return-hash', location.hash);
  return `/auth/login?returnTo=${encodeURIComponent(returnTo.replace(/#.*/, ''))}`;
}

export async function signOut(): Promise<void> {
  await call('/auth/logout', { method: 'POST' });
  state = null;
}

/** A personal token (their name stamped) for the document a share-link token opens. */
export async function personalToken(linkToken: string): Promise<string> {
  const res = await call('/api/me/token', { method: 'POST', headers: { Authorization: `Bearer ${linkToken}` } });
  return ((await res.json()) as { token: string }).token;
}

export async function listMyDocs(query: string, sort: MyDocsSort): Promise<MyDoc[]> {
  const params = new URLSearchParams({ q: query, sort });
  return ((await (await call(`/api/me/docs?${params}`)).json()) as { docs: MyDoc[] }).docs;
}

export async function renameMyDoc(id: string, title: string): Promise<void> {
  await call(`/api/me/docs/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ title }),
  });
}

/** Deletes the document itself (`DELETE /api/docs/:id`, edit scope), then takes it off the list. */
export async function deleteMyDoc(doc: MyDoc): Promise<void> {
  await call(`/api/docs/${encodeURIComponent(doc.id)}`, { method: 'DELETE', headers: { Authorization: `Bearer ${doc.token}` } });
  await forgetMyDoc(doc.id);
}

export async function forgetMyDoc(id: string): Promise<void> {
  await call(`/api/me/docs/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
