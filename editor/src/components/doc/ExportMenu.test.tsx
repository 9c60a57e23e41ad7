import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DocAccess } from '../../session/docAccess';
import { DOWNLOADS, ExportMenu, fallbackFilename } from './ExportMenu';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const access = new DocAccess('doc-1', 'token', {
  id: 'doc-1',
  title: 'Plans',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  scope: 'view',
  linkGeneration: 0,
});

describe('ExportMenu', () => {
  it('offers Markdown, HTML, Word, JSON and text downloads and Print / PDF, in that order', () => {
    render(<ExportMenu access={access} title="Plans" />);
    fireEvent.click(screen.getByTestId('more-menu'));
    const items = screen.getAllByRole('menuitem').map((item) => [item.dataset.testid, item.textContent?.trim()]);
    expect(items).toEqual([
      ['export-markdown', 'Download Markdown (.md)'],
      ['export-html', 'Download HTML (.html)'],
      ['export-docx', 'Download Word (.docx)'],
      ['export-json', 'Download JSON (.json)'],
      ['export-text', 'Download plain text (.txt)'],
      ['print', 'Print / PDF…'],
    ]);
    expect(DOWNLOADS.map((d) => fallbackFilename('My Notes: draft 2', d.format))).toEqual([
      'My-Notes-draft-2.md',
      'My-Notes-draft-2.html',
      'My-Notes-draft-2.docx',
      'My-Notes-draft-2.json',
      'My-Notes-draft-2.txt',
    ]);
  });

  it('Print / PDF opens the browser’s print dialog', () => {
    // The test DOM has no print dialog: stand one in for the browser's.
    const original = window.print;
    const print = vi.fn();
    window.print = print;
    try {
      render(<ExportMenu access={access} title="Plans" />);
      fireEvent.click(screen.getByTestId('more-menu'));
      fireEvent.click(screen.getByTestId('print'));
      expect(print).toHaveBeenCalledTimes(1);
    } finally {
      window.print = original;
    }
  });
});
