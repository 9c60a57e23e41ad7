/**
 * Log record encoding.
 *
 * A log file is a plain sequence of records, no file header:
 *
 *     [u32 LE payload length][u32 LE crc32][payload]
 *
 * The crc32 covers the four length bytes followed by the payload, so a corrupted length is caught even when
 * it happens to point at a plausible record boundary. A zero length is invalid: Yjs updates are never empty,
 * and a zero-filled tail (what some file systems leave after a power cut) must not decode as records.
 */
import { crc32 } from 'node:zlib';

export const RECORD_HEADER_BYTES = 8;
/** Upper bound on one record's payload; anything larger in a header is treated as corruption. */
export const MAX_RECORD_BYTES = 512 * 1024 * 1024;

function recordCrc(lengthBytes: Uint8Array, payload: Uint8Array): number {
  return crc32(payload, crc32(lengthBytes));
}

/**
 * The crc32 of a record's four length bytes, for lengths up to LENGTH_CRCS_CACHED remembered: a history log
 * is hundreds of thousands of records of a few dozen sizes, and reading one then costs a single crc32 call.
 */
const LENGTH_CRCS_CACHED = 4096;
const lengthCrcs = new Map<number, number>();
const lengthScratch = Buffer.alloc(4);

function lengthCrc(length: number): number {
  let crc = lengthCrcs.get(length);
  if (crc === undefined) {
    lengthScratch.writeUInt32LE(length, 0);
    crc = crc32(lengthScratch);
    if (length <= LENGTH_CRCS_CACHED) lengthCrcs.set(length, crc);
  }
  return crc;
}

/**
 * One record, header and payload in one buffer: a copy of `payload` (the caller may reuse its bytes at once),
 * made when the record is queued, so writing a batch is one `writev` of ready buffers, one per record.
 */
export function encodeRecord(payload: Uint8Array): Buffer {
  if (payload.byteLength === 0) throw new RangeError('log records must not be empty');
  if (payload.byteLength > MAX_RECORD_BYTES) throw new RangeError(`log record of ${payload.byteLength} bytes is too large`);
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.byteLength);
  record.writeUInt32LE(payload.byteLength, 0);
  record.set(payload, RECORD_HEADER_BYTES);
  record.writeUInt32LE(recordCrc(record.subarray(0, 4), payload), 4);
  return record;
}

export interface DecodedLog {
  /** Payloads of the valid prefix, in file order (views into the input buffer). */
  records: Uint8Array[];
  /** Sum of the payload sizes. */
  payloadBytes: number;
  /** Length of the valid prefix in bytes; everything after it is torn or corrupt. */
  validBytes: number;
  /** `input.length - validBytes`. */
  droppedBytes: number;
  /** Why decoding stopped early, when it did. */
  problem: string | null;
}

/** Decodes the longest valid prefix of a log file. Never throws on bad input. */
export function decodeLog(input: Uint8Array): DecodedLog {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const records: Uint8Array[] = [];
  let offset = 0;
  let payloadBytes = 0;
  let problem: string | null = null;
  while (offset < input.byteLength) {
    if (input.byteLength - offset < RECORD_HEADER_BYTES) {
      problem = 'truncated record header';
      break;
    }
    const length = view.getUint32(offset, true);
    const expected = view.getUint32(offset + 4, true);
    if (length === 0 || length > MAX_RECORD_BYTES) {
      problem = `bad record length ${length}`;
      break;
    }
    const start = offset + RECORD_HEADER_BYTES;
    if (input.byteLength - start < length) {
      problem = 'truncated record payload';
      break;
    }
    // One view per record, handed out as it is (a plain Uint8Array, never a Buffer).
    const payload = new Uint8Array(input.buffer, input.byteOffset + start, length);
    if (crc32(payload, lengthCrc(length)) !== expected) {
      problem = 'record checksum mismatch';
      break;
    }
    records.push(payload);
    payloadBytes += length;
    offset = start + length;
  }
  return { records, payloadBytes, validBytes: offset, droppedBytes: input.byteLength - offset, problem };
}
