/**
 * Inline SVG icons (stroke paths on a 24×24 grid, drawn for Tandem). Inline so the page needs no icon
 * font or network fetch, and each icon costs a few bytes. Decorative by default: the button around an
 * icon carries the accessible name.
 */

const PATHS = {
  bold: 'M7 5h6a3.5 3.5 0 0 1 0 7H7zM7 12h7a3.5 3.5 0 0 1 0 7H7z',
  italic: 'M10 5h8M6 19h8M14 5l-4 14',
  underline: 'M7 4v7a5 5 0 0 0 10 0V4M5 20h14',
  strike: 'M4 12h16M16 7.5C15.3 6 13.9 5 12 5c-2.4 0-4 1.3-4 3.1 0 1.3.7 2.2 2.2 2.9M8 16.5c.7 1.5 2.1 2.5 4 2.5 2.4 0 4-1.3 4-3.1',
  code: 'M9 8l-4 4 4 4M15 8l4 4-4 4',
  link: 'M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-5.66-5.66l-1 1M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 5.66 5.66l1-1',
  bulletList: 'M9 7h11M9 12h11M9 17h11M4.5 7h.01M4.5 12h.01M4.5 17h.01',
  orderedList: 'M10 7h10M10 12h10M10 17h10M4 5h1.5v4M4 9h3M4 14.5c0-.8.6-1.5 1.5-1.5s1.5.6 1.5 1.4c0 1.1-3 2-3 3.6h3',
  taskList: 'M3.5 5.5h4v4h-4zM3.5 14.5h4v4h-4zM4.5 16.5l1 1 1.5-2M11 7.5h9M11 16.5h9',
  quote: 'M5 5v14M9 8h10M9 12h10M9 16h6',
  codeBlock: 'M4 5h16v14H4zM10 10l-2 2 2 2M14 10l2 2-2 2',
  rule: 'M3 12h18M7 7h10M7 17h10',
  undo: 'M9 14L4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11',
  redo: 'M15 14l5-5-5-5M20 9H9.5a5.5 5.5 0 0 0 0 11H13',
  share: 'M12 15V3M7 8l5-5 5 5M5 13v6a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-6',
  more: 'M5 12h.01M12 12h.01M19 12h.01',
  download: 'M12 4v11M7 10l5 5 5-5M5 20h14',
  print: 'M7 9V4h10v5M7 17H5a1 1 0 0 1-1-1v-5a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v5a1 1 0 0 1-1 1h-2M7 14h10v6H7z',
  copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
  check: 'M5 12.5l4.5 4.5L19 7',
  plus: 'M12 5v14M5 12h14',
  x: 'M6 6l12 12M18 6L6 18',
  eye: 'M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12zM12 9.2a2.8 2.8 0 1 0 0 5.6 2.8 2.8 0 0 0 0-5.6z',
  pencil: 'M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4',
  reset: 'M20 11a8 8 0 1 0-2.34 5.66M20 4v7h-7',
  file: 'M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6',
  open: 'M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5',
  trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3',
  alert: 'M12 8v5M12 16.5h.01M10.3 3.9L2.4 18a2 2 0 0 0 1.7 3h15.8a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z',
  comment: 'M5 4.5h14a1.5 1.5 0 0 1 1.5 1.5v9a1.5 1.5 0 0 1-1.5 1.5h-8l-4.5 3.5v-3.5H5A1.5 1.5 0 0 1 3.5 15V6A1.5 1.5 0 0 1 5 4.5zM8 9h8M8 12.5h5',
  history: 'M3.5 12a8.5 8.5 0 1 0 2.5-6M3.5 4v4.5H8M12 7.5V12l3 2',
  play: 'M7.5 5.5v13L18.5 12z',
  pause: 'M8.5 5.5v13M15.5 5.5v13',
  users: 'M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2.5 20v-.5A6.5 6.5 0 0 1 15.5 19.5v.5M16 4.2a3.5 3.5 0 0 1 0 6.6M21.5 20v-.5a6.5 6.5 0 0 0-3.5-5.8',
  bookmark: 'M6.5 3.5h11v17l-5.5-4-5.5 4z',
  back: 'M19 12H5M11 6l-6 6 6 6',
  table: 'M4 5h16v14H4zM4 9.7h16M4 14.3h16M9.3 5v14M14.7 5v14',
  image: 'M4 5h16v14H4zM4 16l5-5 4 4 2-2 5 5M15.5 9.5h.01',
  rowAbove: 'M4 12h16v8H4zM4 16h16M12 3v6M9 6h6',
  rowBelow: 'M4 4h16v8H4zM4 8h16M12 15v6M9 18h6',
  columnLeft: 'M12 4h8v16h-8zM16 4v16M3 12h6M6 9v6',
  columnRight: 'M4 4h8v16H4zM8 4v16M15 12h6M18 9v6',
  deleteRow: 'M4 4h16v7H4zM9.5 15l5 5M14.5 15l-5 5',
  deleteColumn: 'M4 4h7v16H4zM15 9.5l5 5M20 9.5l-5 5',
  headerRow: 'M4 5h16v14H4zM4 10h16M4 7.5h16M12 10v9',
  merge: 'M4 6h16v12H4zM4 12h4.5M20 12h-4.5M6.5 10l2 2-2 2M17.5 10l-2 2 2 2',
  split: 'M4 6h16v12H4zM12 6v12M9.5 10l-2 2 2 2M14.5 10l2 2-2 2',
  chevronLeft: 'M14.5 6l-6 6 6 6',
  chevronRight: 'M9.5 6l6 6-6 6',
  cloudOff: 'M3 3l18 18M8.5 6.2A6 6 0 0 1 17.6 10 4.5 4.5 0 0 1 21 16.9M17 19H7a5 5 0 0 1-1.9-9.6',
  highlight: 'M14.5 4.5l5 5-8 8H6.5v-5zM4 20.5h16M12 7l5 5',
  textColor: 'M6 16L11 4h2l5 12M8 11.5h8M4 20.5h16',
  alignLeft: 'M4 6h16M4 10h10M4 14h16M4 18h10',
  alignCenter: 'M4 6h16M7 10h10M4 14h16M7 18h10',
  alignRight: 'M4 6h16M10 10h10M4 14h16M10 18h10',
  alignJustify: 'M4 6h16M4 10h16M4 14h16M4 18h16',
  subscript: 'M4 6l8 9M12 6l-8 9M16.5 14.5a1.8 1.8 0 1 1 3.2 1.2L16.5 20h3.5',
  superscript: 'M4 9l8 9M12 9l-8 9M16.5 5.5a1.8 1.8 0 1 1 3.2 1.2L16.5 11h3.5',
  search: 'M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13zM15.5 15.5L20 20',
  outline: 'M4 6h.01M8 6h12M8 12h.01M12 12h8M8 18h.01M12 18h8',
  keyboard: 'M3 6.5h18v11H3zM7 10h.01M11 10h.01M15 10h.01M7 14h10',
  arrowUp: 'M12 19V5M6 11l6-6 6 6',
  arrowDown: 'M12 5v14M6 13l6 6 6-6',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 18, className }: { name: IconName; size?: number; className?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={name === 'more' || name === 'bulletList' ? 2.6 : 1.9}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}

/** The Tandem mark: two overlapping rings, two people writing together. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false" className="logo">
      <rect width="32" height="32" rx="8" fill="var(--accent)" />
      <circle cx="12.5" cy="16" r="6" fill="none" stroke="#fff" strokeWidth="2.6" />
      <circle cx="19.5" cy="16" r="6" fill="none" stroke="#fff" strokeWidth="2.6" opacity="0.72" />
    </svg>
  );
}
