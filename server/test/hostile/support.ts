/**
 * Helpers for the hostile-client tests (the server itself comes from support/harness.ts): raw TCP
 * sockets speaking hand-written HTTP and RFC 6455 frames, a light y-websocket client, and file hashes. Nothing
 * here mocks the server.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join, relative } from 'node:path';
import * as decoding from 'lib0/decoding';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate } from '../../src/protocol/messages.js';
import type { DocStore } from '../../src/storage/doc-store.js';
import { waitFor, within } from '../support/harness.js';

export { metric } from '../integration/support.js';

// ---------------------------------------------------------------------------------------------- raw TCP

export interface RawTcp {
  socket: Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** Resolves once the connection is fully closed (either side); rejects if it is not within `timeoutMs`. */
  closed(timeoutMs?: number): Promise<void>;
  isClosed(): boolean;
  /** True once the server ended its side (FIN). */
  isEnded(): boolean;
}

/**
 * A plain TCP connection to the server. `allowHalfOpen` keeps our side open after the server's FIN, as a
 * hostile peer would, so tests can check the server really lets go of the socket.
 */
export function tcp(port: number, options: { allowHalfOpen?: boolean } = {}): Promise<RawTcp> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: options.allowHalfOpen ?? false });
    const chunks: Buffer[] = [];
    let isClosed = false;
    let isEnded = false;
    socket.on('end', () => (isEnded = true));
    const closed = new Promise<void>((done) =>
      socket.once('close', () => {
        isClosed = true;
        done();
      }),
    );
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => Buffer.concat(chunks),
        closed: (timeoutMs = 10_000) => within(closed, timeoutMs, 'the TCP connection to close'),
        isClosed: () => isClosed,
        isEnded: () => isEnded,
      }),
    );
    socket.once('error', reject);
  });
}

/** The HTTP status line's code in what `conn` received, or 0 before one arrived. */
export function statusOf(conn: RawTcp): number {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(conn.received().toString('latin1'));
  return match ? Number(match[1]) : 0;
}

/**
 * Resolves once the server has let go of the connection: after its FIN we keep writing (a half-open peer
 * would); a socket the server destroyed answers with a reset (EPIPE/ECONNRESET), and Node then closes ours.
 * Nothing is written before the FIN, so the request under test is not disturbed. Bounded.
 */
export async function expectServerLetGo(conn: RawTcp, what: string, timeoutMs = 3000): Promise<void> {
  await waitFor(
    () => {
      if (conn.isEnded() && !conn.isClosed() && conn.socket.writable) conn.socket.write('x');
      return conn.isClosed();
    },
    `server closes the connection: ${what}`,
    timeoutMs,
  );
}

export const UPGRADE_HEADERS: Record<string, string> = {
  Connection: 'Upgrade',
  Upgrade: 'websocket',
  'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
};

/** An HTTP/1.1 request head written by hand (nothing normalised). */
export function requestHead(path: string, headers: Record<string, string> | [string, string][], method = 'GET'): string {
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers);
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${pairs.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

// ------------------------------------------------------------------------------- RFC 6455 frames, by hand

export const Opcode = { Continuation: 0x0, Text: 0x1, Binary: 0x2, Close: 0x8, Ping: 0x9, Pong: 0xa } as const;

/**
 * One client frame (RFC 6455 §5.2). Clients must mask; `mask: false` breaks that rule on purpose.
 * `declaredLength` announces a payload length other than the real one (a lie the server must survive).
 */
export function frame(
  opcode: number,
  payload: Uint8Array = new Uint8Array(),
  options: { fin?: boolean; mask?: boolean; rsv?: number; declaredLength?: bigint } = {},
): Buffer {
  const { fin = true, mask = true, rsv = 0 } = options;
  const length = options.declaredLength ?? BigInt(payload.byteLength);
  const head: number[] = [(fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0xf)];
  const maskBit = mask ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65536n) {
    head.push(maskBit | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(length);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), ext, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= key[i % 4]!;
  return Buffer.concat([Buffer.from(head), ext, key, masked]);
}

/** A close frame's payload: code and reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const out = Buffer.alloc(2 + Buffer.byteLength(reason));
  out.writeUInt16BE(code);
  out.write(reason, 2);
  return out;
}

export interface ServerFrame {
  opcode: number;
  fin: boolean;
  payload: Buffer;
}

/** Splits unmasked server frames out of a byte stream (after the HTTP head). Stops at an incomplete frame. */
export function parseServerFrames(bytes: Buffer): ServerFrame[] {
  const frames: ServerFrame[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    let length = b1 & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (offset + 2 > bytes.length) break;
      length = bytes.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      if (offset + 8 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(offset));
      offset += 8;
    }
    if (offset + length > bytes.length) break;
    frames.push({ opcode: b0 & 0xf, fin: (b0 & 0x80) !== 0, payload: bytes.subarray(offset, offset + length) });
    at = offset + length;
  }
  return frames;
}

/** A WebSocket opened by hand over raw TCP: we write frames ourselves and read the server's. */
export interface RawWs extends RawTcp {
  /** Server frames received after the 101. */
  frames(): ServerFrame[];
  /** The code of the server's close frame, once it sent one. */
  closeCode(): number | undefined;
  send(bytes: Buffer): void;
}

/** Performs the upgrade over raw TCP; rejects unless the server answers 101. */
export async function rawUpgrade(port: number, path: string, headers: Record<string, string> = {}): Promise<RawWs> {
  const conn = await tcp(port);
  conn.socket.write(requestHead(path, { ...UPGRADE_HEADERS, ...headers }));
  await waitFor(() => conn.received().includes('\r\n\r\n'), 'upgrade answer', 5000);
  const status = statusOf(conn);
  if (status !== 101) throw new Error(`upgrade refused: ${status}`);
  const body = () => {
    const all = conn.received();
    return all.subarray(all.indexOf('\r\n\r\n') + 4);
  };
  const frames = () => parseServerFrames(body());
  return {
    ...conn,
    frames,
    closeCode() {
      const close = frames().find((f) => f.opcode === Opcode.Close);
      return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : undefined;
    },
    send(bytes) {
      conn.socket.write(bytes);
    },
  };
}

/** y-websocket messages among a raw socket's frames: `[type, sub]` and payload. */
export function syncMessages(frames: ServerFrame[]): { type: number; sub: number; payload: Uint8Array }[] {
  return frames
    .filter((f) => f.opcode === Opcode.Binary)
    .map((f) => {
      const d = decoding.createDecoder(new Uint8Array(f.payload));
      const type = decoding.readVarUint(d);
      if (type !== 0) return { type, sub: -1, payload: decoding.readTailAsUint8Array(d) };
      const sub = decoding.readVarUint(d);
      return { type, sub, payload: decoding.readVarUint8Array(d) };
    });
}

// ------------------------------------------------------------------------- a light y-websocket client

/**
 * The sync half of y-websocket, without awareness or timers: cheap enough to run hundreds at once. It
 * answers the server's step1 with a step2, applies what the server sends, and sends its own changes.
 */
export class LightClient {
  readonly doc = new Y.Doc();
  ws: WebSocket | null = null;
  connects = 0;
  private readonly remote = Symbol('remote');

  constructor(private readonly url: string) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this.remote && this.ws?.readyState === WebSocket.OPEN) this.ws.send(encodeSyncUpdate(update));
    });
  }

  /** Connects and resolves once the server's first message (its step1) has been answered; rejects after `timeoutMs`. */
  connect(timeoutMs = 15_000): Promise<void> {
    this.connects++;
    const ws = new WebSocket(this.url);
    ws.binaryType = 'nodebuffer';
    this.ws = ws;
    const joined = new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`closed ${code} before joining`)));
      ws.on('message', (data: Buffer) => {
        const d = decoding.createDecoder(new Uint8Array(data));
        if (decoding.readVarUint(d) !== 0) return;
        const sub = decoding.readVarUint(d);
        const payload = decoding.readVarUint8Array(d);
        if (sub === 0) {
          ws.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, payload)));
          resolve();
        } else Y.applyUpdate(this.doc, payload, this.remote);
      });
      ws.once('open', () => ws.send(encodeSyncStep1(Y.encodeStateVector(this.doc))));
    });
    return within(joined, timeoutMs, 'a light client to join');
  }

  /** Closes the socket; resolves once it is closed, rejects after `timeoutMs`. */
  disconnect(timeoutMs = 10_000): Promise<void> {
    const ws = this.ws;
    this.ws = null;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    const closed = new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
    });
    return within(closed, timeoutMs, 'a light client to disconnect');
  }

  get text(): string {
    return this.doc.getText('t').toString();
  }
}

// ----------------------------------------------------------------------------------------------- files

/** sha256 of every file under `dir`, by relative path. */
export async function hashTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out[relative(dir, full)] = createHash('sha256').update(await readFile(full)).digest('hex');
    }
  };
  await walk(dir);
  return out;
}

/** Text of `t` in a document rebuilt from what the store holds. */
export async function storedText(store: DocStore, id: string): Promise<string> {
  const stored = await store.load(id);
  const doc = new Y.Doc();
  Y.transact(doc, () => {
    if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot);
    stored?.log.forEach((u) => Y.applyUpdate(doc, u));
  });
  return doc.getText('t').toString();
}

/**
 * `store` with `overrides` in place of some methods; the rest are forwarded to `store` itself, so a class
 * store keeps its `this` (spreading an instance would drop the methods that live on its prototype).
 */
export function overriding(store: DocStore, overrides: Partial<DocStore>): DocStore {
  return {
    create: (meta) => store.create(meta),
    getMeta: (id) => store.getMeta(id),
    putMeta: (meta) => store.putMeta(meta),
    load: (id) => store.load(id),
    append: (id, update) => store.append(id, update),
    compact: (id, snapshot) => store.compact(id, snapshot),
    appendHistory: (id, entry) => store.appendHistory(id, entry),
    readHistory: (id) => store.readHistory(id),
    putVersion: (id, version) => store.putVersion(id, version),
    putUpload: (id, upload, quota) => store.putUpload(id, upload, quota),
    getUpload: (id, hash) => store.getUpload(id, hash),
    listVersions: (id) => store.listVersions(id),
    getVersion: (id, versionId) => store.getVersion(id, versionId),
    deleteVersions: (id, versionIds) => store.deleteVersions(id, versionIds),
    delete: (id) => store.delete(id),
    listIds: () => store.listIds(),
    flush: (id) => store.flush(id),
    release: (id) => store.release(id),
    close: () => store.close(),
    ...overrides,
  };
}
