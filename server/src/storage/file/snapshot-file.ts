/**
 * Snapshot files and the generation-numbered file names of a document directory.
 *
 * A snapshot file is a 20-byte header followed by the payload (a Yjs update):
 *
 *     [4 bytes magic "TDSN"][u32 LE format version = 1][u32 LE generation][u32 LE payload length][u32 LE crc32]
 *
 * The crc32 covers the first 16 header bytes and then the payload. The generation is repeated inside the
 * file so a snapshot renamed by hand (or by a bug) to another generation is refused. The file must be exactly
 * header + payload long: a truncated or extended snapshot is corrupt.
 */
import { crc32 } from 'node:zlib';

const MAGIC = Buffer.from('TDSN', 'ascii');
const VERSION = 1;
export const SNAPSHOT_HEADER_BYTES = 20;

export function encodeSnapshot(generation: number, payload: Uint8Array): Buffer[] {
  const header = Buffer.allocUnsafe(SNAPSHOT_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(VERSION, 4);
  header.writeUInt32LE(generation, 8);
  header.writeUInt32LE(payload.byteLength, 12);
  header.writeUInt32LE(crc32(payload, crc32(header.subarray(0, 16))), 16);
  return [header, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)];
}

export type DecodedSnapshot = { ok: true; payload: Uint8Array } | { ok: false; problem: string };

/** Checks a snapshot file's contents; never throws on bad input. */
export function decodeSnapshot(input: Uint8Array, generation: number): DecodedSnapshot {
  if (input.byteLength < SNAPSHOT_HEADER_BYTES) return { ok: false, problem: 'shorter than the header' };
  const header = Buffer.from(input.buffer, input.byteOffset, SNAPSHOT_HEADER_BYTES);
  if (!header.subarray(0, 4).equals(MAGIC)) return { ok: false, problem: 'bad magic' };
  const version = header.readUInt32LE(4);
  if (version !== VERSION) return { ok: false, problem: `unsupported version ${version}` };
  const storedGeneration = header.readUInt32LE(8);
  if (storedGeneration !== generation) {
    return { ok: false, problem: `header says generation ${storedGeneration}` };
  }
  const length = header.readUInt32LE(12);
  if (input.byteLength !== SNAPSHOT_HEADER_BYTES + length) {
    return { ok: false, problem: `length mismatch (header ${length}, file ${input.byteLength - SNAPSHOT_HEADER_BYTES})` };
  }
  const payload = input.subarray(SNAPSHOT_HEADER_BYTES);
  if (crc32(payload, crc32(header.subarray(0, 16))) !== header.readUInt32LE(16)) {
    return { ok: false, problem: 'checksum mismatch' };
  }
  return { ok: true, payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength) };
}

export type GenFileKind = 'snapshot' | 'log';

export interface GenFile {
  kind: GenFileKind;
  generation: number;
  name: string;
}

const GEN_FILE = /^(snapshot|log)\.(0|[1-9][0-9]{0,8})$/;

/** `snapshot.<N>` / `log.<N>`, or null for any other name (temp files, meta.json, strangers). */
export function parseGenFileName(name: string): GenFile | null {
  const match = GEN_FILE.exec(name);
  if (!match) return null;
  return { kind: match[1] as GenFileKind, generation: Number(match[2]), name };
}

export function genFileName(kind: GenFileKind, generation: number): string {
  if (!Number.isSafeInteger(generation) || generation < 0) throw new RangeError(`bad generation ${generation}`);
  return `${kind}.${generation}`;
}

/** Suffix of files that are being written and not yet renamed into place; leftovers are deleted on open. */
export const TMP_SUFFIX = '.tmp';

/** [D10] Suffix a corrupt snapshot is renamed to (by compaction or `tandem fsck --repair`): kept, never read. */
export const CORRUPT_SUFFIX = '.corrupt';
