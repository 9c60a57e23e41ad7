/**
 * What this browser keeps of a document that no longer exists: its entry in the recent list and its offline
 * copy (the IndexedDB database the collaboration session keeps, `tandem:<id>`). A deleted document leaves
 * neither behind.
 */
import { browserStore, removeRecent } from './recentDocs';

/** The IndexedDB database holding the document's offline copy (see `CollabSession`). */
export const localCopyName = (id: string) => `tandem:${id}`;

/** Forgets the document here: out of the recent list, offline copy dropped (once the session closes it). */
export function forgetDocument(id: string): void {
  removeRecent(browserStore(), id);
  // Waits ("blocked") until the open session closes its connection, then deletes: nothing to await here.
  if (typeof indexedDB !== 'undefined') indexedDB.deleteDatabase(localCopyName(id));
}

const NOTICE_KEY = 'tandem:start-notice';

/** A one-time message for the start page (e.g. "“Plans” was deleted."), shown once after navigating there. */
export function leaveStartNotice(text: string): void {
  try {
    sessionStorage.setItem(NOTICE_KEY, text);
  } catch {
    // Storage refused (privacy mode): the notice is a courtesy, the delete itself is done.
  }
}

/** The notice left for the start page, if any (it stays until `clearStartNotice`). */
export function peekStartNotice(): string | null {
  try {
    return sessionStorage.getItem(NOTICE_KEY);
  } catch {
    return null;
  }
}

/** Removes the notice once shown, so a reload does not show it again. */
export function clearStartNotice(): void {
  try {
    sessionStorage.removeItem(NOTICE_KEY);
  } catch {
    // Nothing stored, nothing to remove.
  }
}
