/**
 * Hostile bytes below the y-websocket protocol: hand-written RFC 6455 frames over raw TCP, and handshakes
 * no browser would send. Frame-content cases that a `ws` client can send (garbage, empty, truncated
 * var-uints, unknown types, text frames, one byte over/under MAX_MESSAGE_BYTES) are in test/integration/raw-protocol.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAwareness, encodeAwarenessEntries } from '../../src/protocol/messages.js';
import { connectClient, type CreatedDoc, createDoc, startTestServer, synced, type TestServer, waitFor } from '../support/harness.js';
import { Opcode, UPGRADE_HEADERS, closePayload, expectServerLetGo, frame, metric, rawUpgrade, requestHead, statusOf, syncMessages, tcp } from './support.js';

const LIMIT = 4096;
let server: TestServer;
let doc: CreatedDoc;
beforeAll(async () => {
  server = await startTestServer({ MAX_MESSAGE_BYTES: String(LIMIT) });
  doc = await createDoc(server.url);
});
afterAll(async () => {
  await server.dispose();
});

const path = () => `/collab/${doc.id}?token=${doc.editToken}`;
const trips = (limit: string) => metric(server.url, 'tandem_limit_trips_total', `limit="${limit}"`);

/** A stock client editing the same document; at the end it must still work and see only good edits. */
async function withBystander(run: () => Promise<void>): Promise<void> {
  const bystander = connectClient(server.wsUrl, doc.id, doc.editToken);
  await synced(bystander.provider);
  const marker = `ok${Math.random().toString(36).slice(2, 8)};`;
  try {
    await run();
    bystander.text.insert(0, marker);
    const late = connectClient(server.wsUrl, doc.id, doc.editToken);
    await synced(late.provider);
    await waitFor(() => late.text.toString().includes(marker), 'a late joiner sees the bystander edit');
    late.destroy();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  } finally {
    bystander.destroy();
  }
}

/** A valid awareness message of exactly `size` bytes. */
function awarenessOfSize(size: number, clientId: number): Uint8Array {
  const sized = (pad: number) =>
    encodeAwareness(encodeAwarenessEntries([{ clientId, clock: 1, state: JSON.stringify({ pad: 'x'.repeat(pad) }) }]));
  let pad = size - 100;
  for (let i = 0; i < 5 && sized(pad).byteLength !== size; i++) pad += size - sized(pad).byteLength;
  const message = sized(pad);
  expect(message.byteLength).toBe(size);
  return message;
}

describe('fragmented and oversized messages [L1][M1]', () => {
  it('[L1] continuation fragments adding up past MAX_MESSAGE_BYTES close with 1009 (message_size); adding up to exactly the limit they are one accepted message', () =>
    withBystander(async () => {
      const before = await trips('message_size');
      const flood = await rawUpgrade(server.port, path());
      const piece = new Uint8Array(512).fill(7);
      flood.send(frame(Opcode.Binary, piece, { fin: false }));
      // 40 more fragments (20 KiB) that never finish the message: the server must stop it at 4 KiB.
      for (let i = 0; i < 40 && !flood.isClosed(); i++) flood.send(frame(Opcode.Continuation, piece, { fin: false }));
      await waitFor(() => flood.closeCode() !== undefined, 'close frame');
      expect(flood.closeCode()).toBe(1009);
      await expectServerLetGo(flood, 'fragment flood');
      expect(await trips('message_size')).toBe(before + 1);

      // Exactly the limit, in 8 fragments: one valid awareness message, answered like any other.
      const exact = await rawUpgrade(server.port, path());
      const message = awarenessOfSize(LIMIT, 4711);
      for (let at = 0; at < LIMIT; at += 512) {
        exact.send(frame(at === 0 ? Opcode.Binary : Opcode.Continuation, message.subarray(at, at + 512), { fin: at + 512 >= LIMIT }));
      }
      exact.send(frame(Opcode.Binary, new Uint8Array([3])));
      await waitFor(
        () => syncMessages(exact.frames()).some((m) => m.type === 1 && m.payload.byteLength > LIMIT - 100),
        'our padded awareness state comes back from a query',
      );
      expect(exact.closeCode()).toBeUndefined();
      expect(await trips('message_size')).toBe(before + 1);
      exact.socket.destroy();
    }));

  it('[L1] a frame declaring 2^40 or 2^63-1 bytes is refused from its header alone with 1009', () =>
    withBystander(async () => {
      const before = await trips('message_size');
      for (const declared of [2n ** 40n, 2n ** 63n - 1n]) {
        const liar = await rawUpgrade(server.port, path());
        liar.send(frame(Opcode.Binary, new Uint8Array(16), { declaredLength: declared }));
        await waitFor(() => liar.closeCode() !== undefined, 'close frame');
        expect(liar.closeCode(), String(declared)).toBe(1009);
        await expectServerLetGo(liar, `declared ${declared}`);
      }
      expect(await trips('message_size')).toBe(before + 2);
    }));

  const violations: [string, number, () => Buffer][] = [
    ['an unmasked client frame', 1002, () => frame(Opcode.Binary, new Uint8Array([3]), { mask: false })],
    ['a reserved opcode (0x3)', 1002, () => frame(0x3, new Uint8Array([3]))],
    ['RSV1 set without a negotiated extension', 1002, () => frame(Opcode.Binary, new Uint8Array([3]), { rsv: 4 })],
    ['a ping with a 126-byte payload', 1002, () => frame(Opcode.Ping, new Uint8Array(126))],
    ['a fragmented ping', 1002, () => frame(Opcode.Ping, new Uint8Array(4), { fin: false })],
    ['a continuation frame with no message to continue', 1002, () => frame(Opcode.Continuation, new Uint8Array([3]))],
    [
      'a new data frame in the middle of a fragmented message',
      1002,
      () => Buffer.concat([frame(Opcode.Binary, new Uint8Array([3]), { fin: false }), frame(Opcode.Binary, new Uint8Array([3]))]),
    ],
    ['a close frame with a reserved code (1005)', 1002, () => frame(Opcode.Close, closePayload(1005))],
    ['a close frame with a 1-byte payload', 1002, () => frame(Opcode.Close, new Uint8Array([3]))],
    ['a text frame that is not UTF-8', 1007, () => frame(Opcode.Text, new Uint8Array([0xc3, 0x28]))],
  ];
  it.each(violations)('[M1] %s closes that socket (%i) and nothing else', (_name, code, bytes) =>
    withBystander(async () => {
      const bad = await rawUpgrade(server.port, path());
      bad.send(bytes());
      await waitFor(() => bad.closeCode() !== undefined || bad.isClosed(), 'close');
      expect(bad.closeCode()).toBe(code);
      await expectServerLetGo(bad, 'protocol violation');
    }),
  );
});

describe('handshakes no browser sends [H1][L8]', () => {
  /** `a: 1` lines: 2500 of them stay under Node's 16 KiB header limit; `wide` ones exceed it. */
  const junk = (n: number, wide = false) => Array.from({ length: n }, (_, i) => [wide ? `x-${i}` : 'a', '1'] as [string, string]);
  const upgrade = Object.entries(UPGRADE_HEADERS);

  it('[H1][L8] thousands of headers (ws CVE-2024-37890) get 431 and the socket is closed, wherever the real ones are; the process stays up', async () => {
    const [countBefore, sizeBefore] = [await trips('header_count'), await trips('header_size')];
    const cases: [string, [string, string][], string][] = [
      // Node reads only ~1000 headers and drops the rest silently: here the upgrade headers are among the dropped.
      ['2500 small headers, then the upgrade headers', [...junk(2500), ...upgrade], 'header_count'],
      ['the upgrade headers, then 2500 small headers', [...upgrade, ...junk(2500)], 'header_count'],
      ['150 headers', [...upgrade, ...junk(150)], 'header_count'],
      ['5000 headers, over 16 KiB', [...upgrade, ...junk(5000, true)], 'header_size'],
    ];
    for (const [name, headers] of cases) {
      const conn = await tcp(server.port, { allowHalfOpen: true });
      conn.socket.write(requestHead(path(), headers));
      await waitFor(() => statusOf(conn) !== 0, `an answer: ${name}`);
      expect(statusOf(conn), name).toBe(431);
      await expectServerLetGo(conn, name);
    }
    expect(await trips('header_count')).toBe(countBefore + 3);
    expect(await trips('header_size')).toBe(sizeBefore + 1);
    // 90 extra headers are still fine (proxies add some).
    const fine = await rawUpgrade(server.port, path(), Object.fromEntries(junk(90)));
    fine.socket.destroy();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('[H1] upgrades that are not WebSocket handshakes get 400 and their socket is closed, token or not', async () => {
    const key = (k: string) => ({ ...UPGRADE_HEADERS, 'Sec-WebSocket-Key': k });
    const cases: [string, string, Record<string, string>][] = [
      ['Upgrade: h2c on /collab (no token)', `/collab/${doc.id}`, { Connection: 'Upgrade', Upgrade: 'h2c' }],
      ['Upgrade: h2c on /collab (token)', path(), { Connection: 'Upgrade', Upgrade: 'h2c' }],
      ['Upgrade: foo on /healthz', '/healthz', { Connection: 'Upgrade', Upgrade: 'foo' }],
      ['a bad Sec-WebSocket-Key (token)', path(), key('not-a-key')],
      ['no Sec-WebSocket-Key (token)', path(), { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13' }],
      ['Sec-WebSocket-Version 12 (token)', path(), { ...UPGRADE_HEADERS, 'Sec-WebSocket-Version': '12' }],
    ];
    for (const [name, target, headers] of cases) {
      const conn = await tcp(server.port, { allowHalfOpen: true });
      conn.socket.write(requestHead(target, headers));
      await waitFor(() => statusOf(conn) !== 0, `an answer: ${name}`);
      expect(statusOf(conn), name).toBe(400);
      await expectServerLetGo(conn, name);
    }
    expect(await metric(server.url, 'tandem_errors_total', 'kind="malformed_handshake"')).toBeGreaterThanOrEqual(cases.length);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
