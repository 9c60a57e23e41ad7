import { type Api, type DocInfo, type DocLinks, api as defaultApi } from '../lib/api';
import { docHref } from '../lib/links';
import { browserStore, updateRecent } from '../lib/recentDocs';
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

  get canEdit(): boolean {
    return this.info.scope === 'edit';
  }

  /**
   * Resets both links. Old tokens (ours included) stop working, and the server closes sockets using them
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

  /** Re-asks the server about this document with our current token (after a refused socket). */
  async recheck(): Promise<DocInfo> {
    // If a reset is in flight, its 4401 for our old socket is expected; judge with the new token.
    if (this.rotation) await this.rotation.catch(() => undefined);
    return this.api.getDoc(this.id, this.token);
  }
}
