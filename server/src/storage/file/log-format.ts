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

/** The 8-byte header for `payload`. Returned separately so a batch can go out with one `writev`. */
export function encodeRecordHeader(payload: Uint8Array): Buffer {
  if (payload.byteLength === 0) throw new RangeError('log records must not be empty');
  if (payload.byteLength > MAX_RECORD_BYTES) throw new RangeError(`log record of ${payload.byteLength} bytes is too large`);
  const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  header.writeUInt32LE(payload.byteLength, 0);
  header.writeUInt32LE(recordCrc(header.subarray(0, 4), payload), 4);
  return header;
}

/** Header and payload of one record, ready for `writev`. */
export function encodeRecord(payload: Uint8Array): Buffer[] {
  return [encodeRecordHeader(payload), Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)];
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
    const payload = input.subarray(start, start + length);
    if (recordCrc(input.subarray(offset, offset + 4), payload) !== expected) {
      problem = 'record checksum mismatch';
      break;
    }
    records.push(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
    payloadBytes += length;
    offset = start + length;
  }
  return { records, payloadBytes, validBytes: offset, droppedBytes: input.byteLength - offset, problem };
}
