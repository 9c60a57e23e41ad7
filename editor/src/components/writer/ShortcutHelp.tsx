import { Fragment } from 'react';
import { SHORTCUTS, formatKeys } from '../../lib/shortcuts';
import { Dialog } from '../Dialog';

const GROUPS = ['Text', 'Blocks', 'Document'] as const;

/** The keyboard shortcuts, from the one list the bindings read (`lib/shortcuts.ts`). */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="shortcut-help">
      {/* It scrolls on a small screen: a tab stop, so the keyboard can scroll it too. */}
      <div className="shortcut-help" tabIndex={0}>
        {GROUPS.map((group) => (
          <section key={group} className="shortcut-help__group">
            <h3 className="shortcut-help__title">{group}</h3>
            <dl className="shortcut-help__list">
              {SHORTCUTS.filter((s) => s.group === group).map((s) => (
                <Fragment key={s.action}>
                  <dt>{s.action}</dt>
                  <dd>
                    {s.keys.map((k, i) => (
                      <Fragment key={k}>
                        {i > 0 && <span className="muted">{s.action.includes(' to ') ? ' … ' : ' or '}</span>}
                        <kbd>{formatKeys(k)}</kbd>
                      </Fragment>
                    ))}
                  </dd>
                </Fragment>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
