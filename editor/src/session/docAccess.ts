import { type Scope, scopeAllows } from '@tandem/common';
import { type Api, type DocInfo, type DocLinks, api as defaultApi } from '../lib/api';
import { docHref } from '../lib/links';
import { browserStore, findRecent, updateRecent } from '../lib/recentDocs';
import { replaceUrlQuietly } from '../lib/router';

/**
 * The access key we currently hold for one open document. Mutable on purpose: resetting links swaps the
 * token under a live session, and the socket-close handler must see the new one (not a stale closure).
 */
let opened = 0;

export class DocAccess {
  /** Distinguishes one opening from the next (e.g. a different token pasted into the address bar). */
  readonly key = ++opened;
  /** Set while a link reset is in flight; a 4401 that races it must wait for the new token. */
  rotation: Promise<unknown> | null = null;

  constructor(
    readonly id: string,
    public token: string,
    readonly info: DocInfo,
    private readonly api: Api = defaultApi,
  ) {}

  /** What this link lets us do: `view` < `comment` < `edit`. */
  get scope(): Scope {
    return this.info.scope;
  }

  get canEdit(): boolean {
    return scopeAllows(this.info.scope, 'edit');
  }

  /** Comment links and edit links add and answer comments; view links only read them. */
  get canComment(): boolean {
    return scopeAllows(this.info.scope, 'comment');
  }

  /**
   * Resets all three links (edit, comment, view). Old tokens (ours included) stop working, and the server closes sockets using them
   * with 4401, so we adopt the new edit token everywhere: memory, address bar, recent list, and (via
   * `onNewToken`) the live connection.
   */
  async rotate(onNewToken: (token: string) => void): Promise<DocLinks> {
    const pending = this.api.rotateLinks(this.id, this.token);
    this.rotation = pending;
    try {
      const links = await pending;
      this.token = links.editToken;
      replaceUrlQuietly(docHref(this.id, links.editToken));
      updateRecent(browserStore(), this.id, { token: links.editToken, scope: 'edit' });
      onNewToken(links.editToken);
      return links;
    } finally {
      if (this.rotation === pending) this.rotation = null;
    }
  }

  /**
   * Our token was revoked — but if another tab of this browser reset the links, the recent list already
   * holds the new token for the same kind of access. Adopt it (after checking it works) instead of
   * showing "no longer valid" to the person who did the reset. Returns the adopted token, or null.
   */
  async followResetFromAnotherTab({ attempts = 5, delayMs = 400 } = {}): Promise<string | null> {
    // The server closes our socket the moment the other tab's reset lands, usually before that tab has
    // received the new tokens and stored them: give it a moment.
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const recent = findRecent(browserStore(), this.id);
      if (!recent || recent.token === this.token || recent.scope !== this.info.scope) continue;
      try {
        await this.api.getDoc(this.id, recent.token);
      } catch {
        return null;
      }
      this.token = recent.token;
      replaceUrlQuietly(docHref(this.id, recent.token));
      return recent.token;
    }
    return null;
  }

  /** Re-asks the server about this document with our current token (after a refused socket). */
  async recheck(): Promise<DocInfo> {
    // If a reset is in flight, its 4401 for our old socket is expected; judge with the new token.
    if (this.rotation) await this.rotation.catch(() => undefined);
    return this.api.getDoc(this.id, this.token);
  }
}
