/**
 * Accessibility checks with axe-core (issue #13): no `serious` or `critical` violation, in the light and
 * the dark colour scheme, wherever a test already has the UI on screen.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type ColorScheme = 'light' | 'dark';

/** One serious or critical axe finding: the rule, its impact, the selectors of the offending nodes. */
export interface A11yViolation {
  id: string;
  impact: string;
  scheme: ColorScheme;
  targets: string[];
}

/**
 * axe-core on the given parts of the page (those present; `body` by default) in one colour scheme:
 * violations of `serious` or `critical` impact.
 */
export async function seriousViolations(page: Page, scheme: ColorScheme, selectors: string[] = ['body']): Promise<A11yViolation[]> {
  await page.emulateMedia({ colorScheme: scheme });
  // The page may have navigated since the last check: inject axe where it is missing (once per document).
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const found = await page.evaluate(async (include) => {
    type Result = { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<Result> } }).axe;
    const present = include.filter((s) => document.querySelector(s));
    if (present.length === 0) return [];
    // Transitions would let axe read colours half-way between the two schemes.
    const freeze = document.createElement('style');
    freeze.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
    document.head.append(freeze);
    try {
      const result = await axe.run({ include: present.map((s) => [s]) }, { resultTypes: ['violations'] });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
    } finally {
      freeze.remove();
    }
  }, selectors);
  return found.map((v) => ({ ...v, scheme }));
}

/**
 * Fails the test if axe finds anything serious or critical in `selectors` (the whole page by default),
 * checked in both colour schemes; the message lists each rule, scheme and target. Leaves the page in the
 * scheme it was in (`light` unless told: playwright cannot tell which one is emulated).
 */
export async function expectAccessible(page: Page, selectors: string[] = ['body'], { restore = 'light' as ColorScheme } = {}): Promise<void> {
  const other: ColorScheme = restore === 'light' ? 'dark' : 'light';
  const violations = [...(await seriousViolations(page, other, selectors)), ...(await seriousViolations(page, restore, selectors))];
  const report = violations.map((v) => `${v.impact} ${v.id} (${v.scheme}): ${v.targets.join(', ')}`).join('\n');
  expect(violations, `axe on ${selectors.join(', ')}:\n${report}`).toEqual([]);
}
