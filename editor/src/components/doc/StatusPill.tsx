import { describeConnection } from '../../lib/connection';
import { describeSaveState } from '../../lib/savedState';
import type { SessionSnapshot } from '../../session/collabSession';

type Tone = 'ok' | 'busy' | 'warn' | 'off';

/** What the pill says, for editors (saved state matters) and viewers (only liveness matters). */
export interface StatusView {
  text: string;
  /** For narrow screens, where the full sentence does not fit next to the avatars. */
  short: string;
  detail: string;
  tone: Tone;
}

export function statusView(state: SessionSnapshot, canEdit: boolean): StatusView {
  const { connection, save } = state;
  const conn = describeConnection(connection);
  switch (connection.kind) {
    case 'connected':
      if (!canEdit) return { text: 'Live', short: 'Live', detail: 'Connected. You see changes as they happen.', tone: 'ok' };
      return {
        text: describeSaveState(save),
        short: save === 'saved' ? 'Saved' : describeSaveState(save),
        detail: save === 'saved' ? 'Everything you wrote is stored on the server.' : 'Sending your latest changes to the server.',
        tone: save === 'saved' ? 'ok' : 'busy',
      };
    case 'connecting':
      return { text: conn.label, short: conn.label, detail: conn.detail, tone: 'busy' };
    case 'reconnecting':
      return { text: conn.label, short: 'Reconnecting…', detail: conn.detail, tone: 'warn' };
    case 'offline':
      // The device being offline and the server being down call for different actions: say which it is.
      if (connection.reason === 'unreachable') {
        return {
          text: canEdit ? 'Server unreachable — changes kept on this device' : 'Server unreachable',
          short: 'No server',
          detail: conn.detail,
          tone: 'off',
        };
      }
      return { text: canEdit ? describeSaveState('offline') : 'Offline', short: 'Offline', detail: conn.detail, tone: 'off' };
    case 'closed':
      return { text: conn.label, short: conn.label, detail: conn.detail, tone: 'off' };
  }
}

/**
 * Connection and saved state in one calm pill. The visible text changes per keystroke ("Saving…"), so
 * only the connection label sits in a live region: screen readers hear "Reconnecting…", not every save.
 */
export function StatusPill({ state, canEdit }: { state: SessionSnapshot; canEdit: boolean }) {
  const view = statusView(state, canEdit);
  return (
    <div
      className={`status-pill status-pill--${view.tone}`}
      title={view.detail}
      data-testid="status"
      data-connection={state.connection.kind}
      data-saved={state.save}
    >
      <span className="status-pill__dot" aria-hidden="true" />
      <span className="status-pill__text" data-testid="status-text">
        {view.text}
      </span>
      <span className="status-pill__short" aria-hidden="true">
        {view.short}
      </span>
      <span className="visually-hidden" role="status" aria-live="polite">
        {describeConnection(state.connection).label}
      </span>
    </div>
  );
}
