/** What the history scenario of crash-child.ts writes, so the parent (crash.test.ts) can check it byte for byte. */

/** The history scenario's version size: large, so a good share of the run is spent writing versions. */
export const CRASH_VERSION_BYTES = 256 * 1024;

/** History entry `n` of the history scenario. */
export function crashHistoryEntry(n: number): Uint8Array {
  return new TextEncoder().encode(`entry ${n}`);
}

/** The snapshot of version `v<n>`: a pattern that a torn or misplaced record could not reproduce. */
export function crashVersionSnapshot(n: number): Uint8Array {
  const bytes = new Uint8Array(CRASH_VERSION_BYTES);
  for (let k = 0; k < bytes.length; k++) bytes[k] = (n * 31 + k * 7 + (k >> 8)) & 0xff;
  return bytes;
}

/** When version `v<n>` of the history scenario was made: strictly increasing with n. */
export function crashVersionTime(n: number): string {
  return new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
}
