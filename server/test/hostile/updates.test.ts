/**
 * Hostile Yjs updates from a client holding an edit token: the crafted inputs of public Yjs incidents, updates
 * built to break Yjs's integration halfway, random mutations of valid updates (fast-check), and a flood of
 * updates that depend on changes the server never saw. Rejected means: the socket is closed with 1007, and
 * nothing of the update is applied, stored or relayed. Other peers keep working throughout. How fast the
 * server handles such input is not asserted here (a timed test measures the machine): see bench/.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { encodeSyncUpdate } from '../../src/protocol/messages.js';
import { connectClient, type CreatedDoc, createDoc, startTestServer, synced, type TestServer, waitFor } from '../support/harness.js';
import { metric, storedText } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_MESSAGE_BYTES: String(1024 * 1024) });
});
afterAll(async () => {
  await server.dispose();
});

const bytes = (write: (e: encoding.Encoder) => void): Uint8Array => {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
};

type Id = { client: number; clock: number };

/** One V1 string item: in root type `t`, or next to `origin` / `rightOrigin`. */
function writeItem(e: encoding.Encoder, item: { text: string; origin?: Id; rightOrigin?: Id }): void {
  encoding.writeUint8(e, 4 | (item.origin ? 0x80 : 0) | (item.rightOrigin ? 0x40 : 0)); // ContentString
  for (const id of [item.origin, item.rightOrigin]) {
    if (!id) continue;
    encoding.writeVarUint(e, id.client);
    encoding.writeVarUint(e, id.clock);
  }
  if (!item.origin && !item.rightOrigin) {
    encoding.writeVarUint(e, 1); // parent is a root type, by name
    encoding.writeVarString(e, 't');
  }
  encoding.writeVarString(e, item.text);
}

/** A V1 update: structs of one client from clock 0, then a delete set. */
function v1Update(client: number, items: Parameters<typeof writeItem>[1][], deletes: [number, number, number][] = []): Uint8Array {
  return bytes((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, items.length);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, 0);
    for (const item of items) writeItem(e, item);
    encoding.writeVarUint(e, deletes.length);
    for (const [dsClient, clock, len] of deletes) {
      encoding.writeVarUint(e, dsClient);
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, clock);
      encoding.writeVarUint(e, len);
    }
  });
}

/**
 * The run-length bomb of yjs#687, in the V2 encoding: GC structs whose info and length come from run-length
 * readers (info repeats forever once its input runs out; length declares its repeat count), so ~25 bytes
 * declare `count` structs.
 */
function v2Bomb(count: number): Uint8Array {
  const nested = (write: (e: encoding.Encoder) => void) => bytes(write);
  return bytes((e) => {
    encoding.writeVarUint(e, 0); // feature flag
    encoding.writeVarUint8Array(e, new Uint8Array()); // key clocks
    encoding.writeVarUint8Array(e, nested((b) => encoding.writeVarInt(b, 5))); // client 5
    encoding.writeVarUint8Array(e, new Uint8Array()); // left clocks
    encoding.writeVarUint8Array(e, new Uint8Array()); // right clocks
    encoding.writeVarUint8Array(e, new Uint8Array([0])); // info 0 (GC), then "forever"
    encoding.writeVarUint8Array(e, nested((b) => encoding.writeVarString(b, ''))); // strings
    encoding.writeVarUint8Array(e, new Uint8Array()); // parent info
    encoding.writeVarUint8Array(e, new Uint8Array()); // type refs
    encoding.writeVarUint8Array(
      e,
      nested((b) => {
        encoding.writeVarInt(b, -1); // length 1, repeated…
        encoding.writeVarUint(b, count - 2); // …count times
      }),
    );
    encoding.writeVarUint(e, 1); // one client
    encoding.writeVarUint(e, count); // declared struct count
    encoding.writeVarUint(e, 0); // start clock
    encoding.writeVarUint(e, 0); // empty delete set
  });
}

/** A raw socket in the room and the room's own record of what it integrated while a sample ran. */
interface Attacker {
  ws: WebSocket;
  closeCode: number | undefined;
  awarenessReplies: number;
}

function openAttacker(url: string): Promise<Attacker> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'nodebuffer';
    const attacker: Attacker = { ws, closeCode: undefined, awarenessReplies: 0 };
    ws.on('message', (data: Buffer) => {
      if (data[0] === 1) attacker.awarenessReplies++;
    });
    ws.once('close', (code) => (attacker.closeCode = code));
    ws.once('open', () => resolve(attacker));
    ws.once('error', reject);
  });
}

/**
 * Sends one update and then a query-awareness; frames are handled in order, so the answer to the query (or
 * a close) means the update was processed. Resolves 'accepted' or the close code.
 */
async function sendUpdate(attacker: Attacker, update: Uint8Array): Promise<'accepted' | number> {
  const replies = attacker.awarenessReplies;
  attacker.ws.send(encodeSyncUpdate(update));
  attacker.ws.send(new Uint8Array([3]));
  await waitFor(() => attacker.closeCode !== undefined || attacker.awarenessReplies > replies, 'the update was processed');
  return attacker.closeCode ?? 'accepted';
}

/** Everything a raw observer socket receives as sync updates (the server's relays). */
function observe(url: string): Promise<{ ws: WebSocket; relayed: Uint8Array[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'nodebuffer';
    const relayed: Uint8Array[] = [];
    ws.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) === 0 && decoding.readVarUint(d) === 2) relayed.push(decoding.readVarUint8Array(d));
    });
    ws.once('open', () => resolve({ ws, relayed }));
    ws.once('error', reject);
  });
}

const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

describe('crafted updates from public Yjs incidents [M1][M2]', () => {
  const cases: [string, 'rejected' | 'no-op', Uint8Array][] = [
    ['yjs#479 "garbagedoc" (base64-decoded garbage)', 'rejected', new Uint8Array(Buffer.from('garbagedoc', 'base64'))],
    ['yjs#498 a zero-length update', 'rejected', new Uint8Array()],
    ['a lone zero byte', 'rejected', new Uint8Array([0])],
    ['2^31 clients declared, nothing after', 'rejected', bytes((e) => encoding.writeVarUint(e, 2 ** 31))],
    ...[2 ** 32 - 1, 2 ** 40, Number.MAX_SAFE_INTEGER].map(
      (n): [string, 'rejected', Uint8Array] => [
        `V1: ${n} structs declared, none sent (yjs#687's count, V1 reads it byte by byte)`,
        'rejected',
        bytes((e) => [1, n, 5, 0].forEach((v) => encoding.writeVarUint(e, v))),
      ],
    ),
    // Read as V1 it is a valid empty update: the V2 decoder that would expand it is never used.
    ['yjs#687 the V2 run-length bomb (2^31 structs in 25 bytes)', 'no-op', v2Bomb(2 ** 31)],
    [
      'content nested 100 000 arrays deep (recursion in the decoder)',
      'rejected',
      bytes((e) => {
        [1, 1, 780, 0].forEach((v) => encoding.writeVarUint(e, v));
        encoding.writeUint8(e, 8); // ContentAny in root type `a`
        encoding.writeVarUint(e, 1);
        encoding.writeVarString(e, 'a');
        encoding.writeVarUint(e, 1); // one value:
        for (let i = 0; i < 100_000; i++) encoding.writeUint8Array(e, new Uint8Array([117, 1])); // [[[[…
        encoding.writeUint8(e, 126); // null
        encoding.writeVarUint(e, 0);
      }),
    ],
    // Without the check [M2] these two make applyUpdate throw after integrating their first item.
    ['an item whose origin is a later change of its own client', 'rejected', v1Update(777, [{ text: 'a' }, { text: 'b', origin: { client: 777, clock: 5 } }])],
    ['a zero-length delete range', 'rejected', v1Update(778, [{ text: 'c' }], [[999, 0, 0]])],
    ['a zero-length item', 'rejected', v1Update(779, [{ text: 'd' }, { text: '', origin: { client: 779, clock: 0 } }])],
    // Placed differently depending on what arrived before it: a reload would disagree with memory.
    [
      'an item between a character and itself (origin = right origin)',
      'rejected',
      v1Update(781, [{ text: 'e', origin: { client: 5, clock: 0 }, rightOrigin: { client: 5, clock: 0 } }]),
    ],
  ];

  it.each(cases)('[M1][M2] %s → %s, nothing stored or relayed, peers unaffected', async (_name, expected, update) => {
    const { id, editToken } = await createDoc(server.url);
    const url = `${server.wsUrl}/${id}?token=${editToken}`;
    const bystander = connectClient(server.wsUrl, id, editToken);
    await synced(bystander.provider);
    bystander.text.insert(0, 'before;');
    await waitFor(() => server.registry.peek(id)?.doc.getText('t').toString() === 'before;', 'server has the bystander edit');
    const observer = await observe(url);
    const room = server.registry.peek(id)!;
    const stateBefore = Y.encodeStateAsUpdate(room.doc);
    const integrated: Uint8Array[] = [];
    const record = (u: Uint8Array) => integrated.push(u);
    room.doc.on('update', record);
    const attacker = await openAttacker(url);
    const outcome = await sendUpdate(attacker, update);
    room.doc.off('update', record);

    expect(outcome).toBe(expected === 'rejected' ? 1007 : 'accepted');
    expect(integrated).toEqual([]);
    expect(hex(Y.encodeStateAsUpdate(room.doc))).toBe(hex(stateBefore));
    // The bystander keeps editing; the observer only ever hears the bystander.
    bystander.text.insert(bystander.text.length, 'after');
    // (The relay of 'before;' may reach the observer too, when it became durable only after the observer joined.)
    const carries = (u: Uint8Array, text: string) => Y.decodeUpdate(u).structs.some((s) => s instanceof Y.Item && ((s.content as { str?: string }).str ?? '').includes(text));
    await waitFor(() => observer.relayed.some((u) => carries(u, 'after')), 'the bystander edit is relayed');
    expect(observer.relayed.every((u) => carries(u, 'after') || carries(u, 'before;'))).toBe(true);
    expect(observer.relayed.some((u) => hex(u) === hex(update))).toBe(false);
    attacker.ws.close();
    observer.ws.close();
    bystander.destroy();
    await waitFor(() => !server.registry.peek(id), 'room unloaded');
    expect(await storedText(server.store, id)).toBe('before;after');
    expect((await server.store.load(id))!.log.some((u) => hex(u) === hex(update))).toBe(false);
  });

  it('[M2] the server never runs the V2 decoder, which the bomb above would make expand', async () => {
    // The bomb is real: V2 decoding turns 25 bytes into as many structs as declared.
    expect(Y.decodeUpdateV2(v2Bomb(20_000)).structs).toHaveLength(20_000);
    // …and nothing in the server decodes V2: every received update goes through V1 (decodeUpdate/applyUpdate).
    const srcDir = fileURLToPath(new URL('../../src', import.meta.url));
    const v2Api = /\b(applyUpdateV2|readUpdateV2|decodeUpdateV2|mergeUpdatesV2|diffUpdateV2|UpdateDecoderV2|convertUpdateFormatV2ToV1|parseUpdateMetaV2|encodeStateVectorFromUpdateV2|decodeSnapshotV2)\b/;
    const files = (await readdir(srcDir, { recursive: true })).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(v2Api.test(await readFile(join(srcDir, file), 'utf8')), file).toBe(false);
  });
});

describe('random mutations of valid updates (fast-check) [M1][M2][RL1][D1]', () => {
  it('[M2][RL1] each is rejected with 1007 and leaves no trace, or applies consistently: memory, disk and peers agree', async () => {
    const { id, editToken } = await createDoc(server.url);
    const url = `${server.wsUrl}/${id}?token=${editToken}`;
    // A document with some of everything the editor stores.
    const author = connectClient(server.wsUrl, id, editToken);
    await synced(author.provider);
    // The observer and the record of integrated updates start before any edit, so every relay is accounted for.
    const observer = await observe(url);
    const room = server.registry.peek(id)!;
    await waitFor(() => room.connections.size === 2, 'author and observer joined');
    // Changes integrated from the attackers' sockets, told apart from the author's by their origin (the
    // sending connection): the author's client may itself send changes in reaction, e.g. Yjs's cleanup of
    // redundant formatting after a remote transaction.
    const honest = new Set<unknown>(room.connections);
    // What the room held before the observer started listening (the server's first paragraph).
    const before = Y.encodeStateAsUpdate(room.doc);
    const integrated = new Set<string>();
    let fromAttackers = 0;
    room.doc.on('update', (u: Uint8Array, origin: unknown) => {
      integrated.add(hex(u));
      if (origin && !honest.has(origin)) fromAttackers++;
    });
    author.doc.transact(() => {
      author.text.insert(0, 'hello world, hello mutations');
      author.doc.getText('title').insert(0, 'fuzzed');
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.insert(0, [new Y.XmlText('rich')]);
      author.doc.getXmlFragment('default').insert(0, [paragraph]);
    });
    author.text.delete(5, 6);
    await waitFor(() => server.registry.peek(id)?.doc.getText('t').toString() === author.text.toString(), 'server has the content');
    // Valid updates to mutate: made on a copy of the document, never sent as they are.
    const pool: Uint8Array[] = [];
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(author.doc));
    copy.on('update', (u: Uint8Array) => pool.push(u));
    copy.getText('t').insert(3, 'XYZ');
    copy.getText('t').delete(0, 2);
    copy.getText('t').format(1, 3, { bold: true });
    copy.getText('title').insert(3, 'changed');
    copy.getMap('meta').set('nested', { a: [1, 2, 'x'], b: 3.5 });
    copy.getXmlFragment('default').insert(1, [new Y.XmlElement('heading')]);
    copy.getArray('arr').insert(0, [1, 'two', new Uint8Array([1, 2]), null, true]);
    pool.push(Y.encodeStateAsUpdate(copy));

    const rejected = new Set<string>();
    let accepted = 0;
    let attacker = await openAttacker(url);

    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: pool.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (which, mutations) => {
        const b = [...pool[which]!];
        for (const m of mutations) {
          const at = m.at % (b.length + 1);
          if (m.kind === 'insert') b.splice(at, 0, m.value);
          else if (b.length === 0) continue;
          else if (m.kind === 'set') b[at % b.length] = m.value;
          else if (m.kind === 'flip') b[at % b.length]! ^= 1 << m.bit;
          else if (m.kind === 'delete') b.splice(at % b.length, 1);
          else b.length = at % b.length;
        }
        const update = new Uint8Array(b);
        if (attacker.closeCode !== undefined) attacker = await openAttacker(url);
        const integratedBefore = fromAttackers;
        const outcome = await sendUpdate(attacker, update);
        if (outcome === 'accepted') {
          accepted++;
          return;
        }
        expect(outcome).toBe(1007);
        expect(fromAttackers).toBe(integratedBefore);
        rejected.add(hex(update));
      }),
      { numRuns: 250 },
    );
    console.info(`[hostile] mutations: ${accepted} accepted, ${rejected.size} rejected`);
    expect(rejected.size).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);

    // Peers: the author converges on the server's document; the observer heard only what the room integrated.
    const serverVector = () => hex(Y.encodeStateVector(room.doc));
    await waitFor(() => hex(Y.encodeStateVector(author.doc)) === serverVector(), 'the author converges on the server');
    expect(author.doc.getXmlFragment('default').toJSON()).toBe(room.doc.getXmlFragment('default').toJSON());
    expect(author.text.toString()).toBe(room.doc.getText('t').toString());
    // Every integrated update is relayed (after its append; one merged update per append batch), and nothing
    // else is: what the observer heard adds up to exactly the server's document.
    const heard = new Y.Doc();
    Y.applyUpdate(heard, before);
    let applied = 0;
    await waitFor(() => {
      for (; applied < observer.relayed.length; applied++) Y.applyUpdate(heard, observer.relayed[applied]!);
      return hex(Y.encodeStateVector(heard)) === serverVector();
    }, 'relays arrive');
    expect(integrated.size).toBeGreaterThan(0);
    expect(heard.getText('t').toString()).toBe(room.doc.getText('t').toString());
    expect(heard.getXmlFragment('default').toJSON()).toBe(room.doc.getXmlFragment('default').toJSON());
    expect(heard.getMap('meta').toJSON()).toEqual(room.doc.getMap('meta').toJSON());
    expect(heard.getText('title').toString()).toBe(room.doc.getText('title').toString());
    expect(heard.getArray('arr').toJSON()).toEqual(room.doc.getArray('arr').toJSON());
    for (const relayed of observer.relayed) expect(rejected.has(hex(relayed))).toBe(false);
    // Disk: everything integrated and nothing rejected; a fresh load equals memory.
    const finalState = { vector: serverVector(), text: room.doc.getText('t').toString(), xml: room.doc.getXmlFragment('default').toJSON() };
    attacker.ws.close();
    observer.ws.close();
    author.destroy();
    await waitFor(() => !server.registry.peek(id), 'room unloaded');
    const stored = (await server.store.load(id))!;
    for (const record of [...stored.log, ...(stored.snapshot ? [stored.snapshot] : [])]) expect(rejected.has(hex(record))).toBe(false);
    const reloaded = await server.registry.acquire(id);
    expect({
      vector: hex(Y.encodeStateVector(reloaded.doc)),
      text: reloaded.doc.getText('t').toString(),
      xml: reloaded.doc.getXmlFragment('default').toJSON(),
    }).toEqual(finalState);
    server.registry.release(reloaded);
  }, 60_000);
});

describe('updates that wait for changes the server never saw [L9]', () => {
  /** An update from `client` that starts at clock 1: clock 0 is missing, so Yjs must hold it back. */
  function heldBack(client: number, text: string): Uint8Array {
    const d = new Y.Doc();
    d.clientID = client;
    d.getText('t').insert(0, '0');
    const vector = Y.encodeStateVector(d);
    d.getText('t').insert(1, text);
    return Y.encodeStateAsUpdate(d, vector);
  }

  it('[L9] a flood of held-back updates is cut off at 128 KiB (1008, pending_updates)', async () => {
    const { id, editToken } = await createDoc(server.url);
    const url = `${server.wsUrl}/${id}?token=${editToken}`;
    const bystander = connectClient(server.wsUrl, id, editToken);
    await synced(bystander.provider);
    const before = await metric(server.url, 'tandem_limit_trips_total', 'limit="pending_updates"');
    const room = server.registry.peek(id)!;
    const attacker = await openAttacker(url);
    let sent = 0;
    // Each update ~1 KiB from a different client: without the bound, each one re-merges all earlier ones.
    for (; sent < 400 && attacker.closeCode === undefined; sent++) {
      await sendUpdate(attacker, heldBack(100_000 + sent, 'x'.repeat(1000)));
    }
    console.info(`[hostile] held-back flood: cut off after ${sent} updates`);
    expect(attacker.closeCode).toBe(1008);
    expect(sent).toBeGreaterThan(100);
    expect(sent).toBeLessThan(200);
    expect(room.doc.store.pendingStructs).toBeNull();
    expect(await metric(server.url, 'tandem_limit_trips_total', 'limit="pending_updates"')).toBe(before + 1);

    // An honest out-of-order pair still works: held back until its dependency arrives, then applied.
    const honest = await openAttacker(url);
    const late = new Y.Doc();
    late.clientID = 4242;
    late.getText('t').insert(0, 'first;');
    const first = Y.encodeStateAsUpdate(late);
    late.getText('t').insert(6, 'second;');
    const second = Y.encodeStateAsUpdate(late, Y.encodeStateVectorFromUpdate(first));
    expect(await sendUpdate(honest, second)).toBe('accepted');
    expect(room.doc.getText('t').toString()).toBe('');
    expect(await sendUpdate(honest, first)).toBe('accepted');
    await waitFor(() => bystander.text.toString() === 'first;second;', 'the bystander receives both');
    honest.ws.close();
    bystander.destroy();
  });
});
