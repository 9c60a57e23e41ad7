import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionSnapshot } from '../../session/collabSession';
import { StatusPill, statusView } from './StatusPill';

afterEach(cleanup);

const snap = (connection: SessionSnapshot['connection'], save: SessionSnapshot['save']): SessionSnapshot => ({
  connection,
  save,
  ready: true,
});

describe('statusView', () => {
  it('tells editors whether their changes are saved', () => {
    expect(statusView(snap({ kind: 'connected' }, 'saved'), true)).toMatchObject({ text: 'All changes saved', tone: 'ok' });
    expect(statusView(snap({ kind: 'connected' }, 'saving'), true)).toMatchObject({ text: 'Saving…', tone: 'busy' });
    expect(statusView(snap({ kind: 'offline', reason: 'browser', failures: 0 }, 'offline'), true).text).toBe(
      'Offline — changes kept on this device',
    );
  });
  it('tells viewers only whether they are live', () => {
    expect(statusView(snap({ kind: 'connected' }, 'saving'), false).text).toBe('Live');
    expect(statusView(snap({ kind: 'offline', reason: 'unreachable', failures: 5 }, 'offline'), false).text).toBe('Server unreachable');
    // The device is fine, the server is not: never "Offline".
    expect(statusView(snap({ kind: 'offline', reason: 'unreachable', failures: 5 }, 'offline'), true)).toMatchObject({
      text: 'Server unreachable — changes kept on this device',
      short: 'No server',
    });
  });
  it('has a short form for phones', () => {
    expect(statusView(snap({ kind: 'connected' }, 'saved'), true).short).toBe('Saved');
    expect(statusView(snap({ kind: 'offline', reason: 'browser', failures: 0 }, 'offline'), true).short).toBe('Offline');
  });
  it('shows reconnecting as a warning', () => {
    expect(statusView(snap({ kind: 'reconnecting', failures: 1, cause: 'lost' }, 'offline'), true)).toMatchObject({
      text: 'Reconnecting…',
      tone: 'warn',
    });
  });
});

describe('StatusPill', () => {
  it('exposes machine-readable state for tests and a live region for screen readers', () => {
    render(<StatusPill state={snap({ kind: 'connected' }, 'saved')} canEdit />);
    const pill = screen.getByTestId('status');
    expect(pill.dataset.connection).toBe('connected');
    expect(pill.dataset.saved).toBe('saved');
    expect(screen.getByTestId('status-text').textContent).toBe('All changes saved');
    expect(screen.getByRole('status').textContent).toBe('Connected');
  });
});
