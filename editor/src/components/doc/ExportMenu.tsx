import { useState } from 'react';
import { EXPORT_FORMATS } from '@tandem/common';
import { type ExportFormat, api } from '../../lib/api';
import type { DocAccess } from '../../session/docAccess';
import { Icon } from '../Icon';
import { Menu, type MenuItem } from '../Menu';

/** "My Notes: draft 2" → "My-Notes-draft-2"; the server's file name wins when it sends one. */
export function fallbackFilename(title: string, format: ExportFormat): string {
  const base = title.trim().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'document';
  return `${base}.${EXPORT_FORMATS[format].extension}`;
}

function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser a moment to start the download before the URL dies.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The downloads the menu offers, in its order; the server renders each (`GET …/export?format=`). */
export const DOWNLOADS: readonly { format: ExportFormat; label: string }[] = [
  { format: 'markdown', label: 'Download Markdown (.md)' },
  { format: 'html', label: 'Download HTML (.html)' },
  { format: 'docx', label: 'Download Word (.docx)' },
  { format: 'json', label: 'Download JSON (.json)' },
  { format: 'text', label: 'Download plain text (.txt)' },
];

/**
 * The "⋯" menu: `items` first (history, show authors), then downloads — Markdown, HTML, Word, JSON, text
 * (rendered by the server; with the comments when "Include comments" is on) — and print, which is also how
 * to save a PDF; then `lastItems` (Delete document…).
 */
export function ExportMenu({
  access,
  title,
  items = [],
  lastItems = [],
}: {
  access: DocAccess;
  title: string;
  items?: MenuItem[] | undefined;
  lastItems?: MenuItem[] | undefined;
}) {
  const [error, setError] = useState<string | null>(null);
  const [withComments, setWithComments] = useState(false);

  const download = async (format: ExportFormat) => {
    setError(null);
    try {
      const { blob, filename } = await api.exportDoc(access.id, access.token, format, { comments: withComments });
      saveBlob(blob, filename ?? fallbackFilename(title, format));
    } catch {
      setError('Export failed. Check your connection and try again.');
      setTimeout(() => setError(null), 6000);
    }
  };

  return (
    <>
      <Menu
        label="More actions"
        trigger={<Icon name="more" size={20} />}
        triggerTestId="more-menu"
        items={[
          ...items,
          {
            id: 'with-comments',
            label: 'Include comments in downloads',
            icon: 'comment',
            checked: withComments,
            onSelect: () => setWithComments((on) => !on),
            testId: 'export-comments',
          },
          ...DOWNLOADS.map(({ format, label }) => ({
            id: format,
            label,
            icon: 'download' as const,
            onSelect: () => void download(format),
            testId: `export-${format}`,
          })),
          // The browser's print dialog saves as PDF too; the print stylesheet leaves only the title and the text.
          { id: 'print', label: 'Print / PDF…', icon: 'print', onSelect: () => window.print(), testId: 'print' },
          ...lastItems,
        ]}
      />
      {error && (
        <div className="toast" role="alert" data-testid="export-error">
          {error}
        </div>
      )}
    </>
  );
}
