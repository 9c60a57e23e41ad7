/**
 * Who you are to the others in a document: a display name and a colour, remembered in this browser.
 * There are no accounts; a friendly random name beats "Anonymous" until you pick your own.
 */

export interface Identity {
  name: string;
  color: string;
}

export const IDENTITY_KEY = 'tandem:identity';
export const NAME_MAX = 40;

/**
 * Caret colours: saturated enough to tell apart, dark enough for white label text (WCAG AA at 12px bold),
 * and readable as a translucent selection on both the light and the dark theme.
 */
export const PALETTE = [
  '#2563eb', // blue
  '#db2777', // pink
  '#059669', // green
  '#d97706', // amber
  '#7c3aed', // violet
  '#dc2626', // red
  '#0891b2', // cyan
  '#65a30d', // lime
  '#c026d3', // fuchsia
  '#ea580c', // orange
] as const;

/** Spoken names for the palette, for the colour picker's labels. */
export const COLOR_NAMES: Readonly<Record<string, string>> = {
  '#2563eb': 'Blue',
  '#db2777': 'Pink',
  '#059669': 'Green',
  '#d97706': 'Amber',
  '#7c3aed': 'Violet',
  '#dc2626': 'Red',
  '#0891b2': 'Cyan',
  '#65a30d': 'Lime',
  '#c026d3': 'Fuchsia',
  '#ea580c': 'Orange',
};

const ADJECTIVES = ['Calm', 'Brave', 'Quiet', 'Swift', 'Kind', 'Bright', 'Clever', 'Gentle', 'Lucky', 'Merry', 'Noble', 'Witty'];
const ANIMALS = ['Otter', 'Heron', 'Fox', 'Panda', 'Lynx', 'Koala', 'Robin', 'Badger', 'Falcon', 'Seal', 'Moose', 'Wren'];

const HEX = /^#[0-9a-fA-F]{6}$/;

export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && HEX.test(value);
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length) % items.length] as T;
}

export function randomIdentity(random: () => number = Math.random): Identity {
  return { name: `${pick(ADJECTIVES, random)} ${pick(ANIMALS, random)}`, color: pick(PALETTE, random) };
}

/** Trims, collapses whitespace and caps the length; an empty name is not a name. */
export function cleanName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, NAME_MAX);
}

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

export function loadIdentity(store: KeyValueStore, random: () => number = Math.random): Identity {
  try {
    const parsed: unknown = JSON.parse(store.getItem(IDENTITY_KEY) ?? 'null');
    if (parsed && typeof parsed === 'object') {
      const { name, color } = parsed as Record<string, unknown>;
      if (typeof name === 'string' && cleanName(name) !== '' && isHexColor(color)) {
        return { name: cleanName(name), color };
      }
    }
  } catch {
    // Corrupt value: fall through and mint a fresh identity.
  }
  const fresh = randomIdentity(random);
  saveIdentity(store, fresh);
  return fresh;
}

export function saveIdentity(store: KeyValueStore, identity: Identity): void {
  try {
    store.setItem(IDENTITY_KEY, JSON.stringify(identity));
  } catch {
    // Storage unavailable: the identity lasts for this page only.
  }
}

/** Up to two letters for an avatar: "Calm Otter" → "CO", "ada" → "A". */
export function initials(name: string): string {
  const words = cleanName(name).split(' ').filter(Boolean);
  const letters = words.length >= 2 ? [words[0], words[words.length - 1]] : words.slice(0, 1);
  return letters.map((w) => Array.from(w ?? '')[0]?.toUpperCase() ?? '').join('') || '?';
}
