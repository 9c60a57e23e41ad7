// Micro-measurement behind the "untrusted updates" decision in SECURITY.md and SPEC M2 (not a test: numbers
// vary by machine; speed belongs in bench/). Run after building the server:
//   npm run build -w server && node --expose-gc server/test/hostile/measure-untrusted-updates.mjs
// It compares, for documents of 1 and 10 MB, what it costs to apply each untrusted update to a scratch copy
// first, to keep a permanent shadow copy, or to check the decoded update (what the server does), and counts
// how often randomly mutated updates that decode would have been applied halfway without the check.
import * as Y from 'yjs';
import { checkUpdate } from '../../dist/rooms/update-guard.js';

const gc = globalThis.gc ?? (() => {});
const heap = () => (gc(), gc(), process.memoryUsage().heapUsed);
const ms = (start) => performance.now() - start;

/** A document of ~`chars` characters typed by three people in 540-character bursts at random places. */
function buildDoc(chars) {
  const server = new Y.Doc();
  const people = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  for (let n = 0, i = 0; n < chars; n += 540, i++) {
    const person = people[i % 3];
    Y.applyUpdate(person, Y.encodeStateAsUpdate(server, Y.encodeStateVector(person)));
    const before = Y.encodeStateVector(server);
    const text = person.getText('t');
    text.insert(Math.floor(Math.random() * (text.length + 1)), 'lorem ipsum dolor sit amet '.repeat(20));
    Y.applyUpdate(server, Y.encodeStateAsUpdate(person, before));
  }
  return server;
}

for (const mb of [1, 10]) {
  const h0 = heap();
  const doc = buildDoc(mb * 1e6);
  const h1 = heap();
  const state = Y.encodeStateAsUpdate(doc);
  let t = performance.now();
  const shadow = new Y.Doc();
  Y.applyUpdate(shadow, state);
  const rebuildMs = ms(t);
  const h2 = heap();
  t = performance.now();
  for (let i = 0; i < 5; i++) {
    const scratch = new Y.Doc();
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
    scratch.destroy();
  }
  const scratchPerUpdateMs = ms(t) / 5;
  // 2000 keystrokes from a client: apply cost, and the check's cost.
  const client = new Y.Doc();
  Y.applyUpdate(client, state);
  const keys = [];
  client.on('update', (u) => keys.push(u));
  for (let i = 0; i < 2000; i++) client.getText('t').insert(Math.floor(Math.random() * client.getText('t').length), 'x');
  t = performance.now();
  for (const u of keys) Y.applyUpdate(doc, u);
  const applyUs = (ms(t) / keys.length) * 1000;
  t = performance.now();
  for (const u of keys) checkUpdate(u);
  const checkUs = (ms(t) / keys.length) * 1000;
  console.log(
    JSON.stringify({
      documentMB: mb,
      yjsStateMB: +(state.byteLength / 1e6).toFixed(1),
      documentHeapMB: +((h1 - h0) / 1e6).toFixed(1),
      scratchCopyPerUpdateMs: +scratchPerUpdateMs.toFixed(0),
      shadowCopyExtraHeapMB: +((h2 - h1) / 1e6).toFixed(1),
      shadowCopyRebuildMs: +rebuildMs.toFixed(0),
      applyPerKeystrokeUs: +applyUs.toFixed(1),
      checkPerKeystrokeUs: +checkUs.toFixed(1),
    }),
  );
}

// Randomly mutated valid updates: how many decode, how many of those make applyUpdate throw after it has
// integrated part of the update, and how many of those the check catches first.
const author = new Y.Doc();
author.getText('t').insert(0, 'hello world, hello mutations');
author.getMap('meta').set('title', 'x');
const paragraph = new Y.XmlElement('paragraph');
paragraph.insert(0, [new Y.XmlText('rich')]);
author.getXmlFragment('default').insert(0, [paragraph]);
const base = Y.encodeStateAsUpdate(author);
const pool = [];
const copy = new Y.Doc();
Y.applyUpdate(copy, base);
copy.on('update', (u) => pool.push(u));
copy.getText('t').insert(3, 'XYZ');
copy.getText('t').delete(0, 2);
copy.getText('t').format(1, 3, { bold: true });
copy.getMap('meta').set('n', { a: [1, 2, 'x'] });
copy.getXmlFragment('default').insert(1, [new Y.XmlElement('heading')]);
pool.push(Y.encodeStateAsUpdate(copy));
const counts = { mutations: 0, decoded: 0, throwHalfway: 0, throwHalfwayCaught: 0, refusedByCheck: 0 };
for (let i = 0; i < 50_000; i++) {
  const bytes = [...pool[i % pool.length]];
  for (let k = 1 + Math.floor(Math.random() * 3); k > 0; k--) {
    const at = Math.floor(Math.random() * bytes.length);
    bytes[at] = Math.floor(Math.random() * 256);
  }
  const update = new Uint8Array(bytes);
  counts.mutations++;
  try {
    Y.decodeUpdate(update);
  } catch {
    continue;
  }
  counts.decoded++;
  const refused = checkUpdate(update) !== null;
  if (refused) counts.refusedByCheck++;
  const doc = new Y.Doc();
  Y.applyUpdate(doc, base);
  let emitted = 0;
  doc.on('update', () => emitted++);
  try {
    Y.applyUpdate(doc, update);
  } catch {
    if (emitted > 0) {
      counts.throwHalfway++;
      if (refused) counts.throwHalfwayCaught++;
    }
  }
}
console.log(JSON.stringify(counts));

// The check must never refuse what Yjs itself produces: random editing sessions (text with formatting,
// XML, maps, arrays, undo, syncs between three replicas), their diffs and a merge of everything.
let produced = 0;
let refusedValid = 0;
const check = (update) => {
  produced++;
  if (checkUpdate(update) !== null) refusedValid++;
};
for (let round = 0; round < 30; round++) {
  const replicas = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  const undo = new Y.UndoManager(replicas[0].getText('t'));
  replicas.forEach((d) => d.on('update', check));
  for (let step = 0; step < 300; step++) {
    const d = replicas[Math.floor(Math.random() * 3)];
    const t = d.getText('t');
    const r = Math.floor(Math.random() * 9);
    if (r === 0) t.insert(Math.floor(Math.random() * (t.length + 1)), 'abc', Math.random() < 0.5 ? { bold: true } : undefined);
    else if (r === 1 && t.length) t.delete(Math.floor(Math.random() * t.length), 1 + Math.floor(Math.random() * 3));
    else if (r === 2 && t.length > 2) t.format(Math.floor(Math.random() * (t.length - 1)), 2, { italic: Math.random() < 0.5 ? true : null });
    else if (r === 3) {
      const el = new Y.XmlElement('p');
      el.insert(0, [new Y.XmlText('x')]);
      d.getXmlFragment('default').insert(0, [el]);
    } else if (r === 4 && d.getXmlFragment('default').length) d.getXmlFragment('default').delete(0, 1);
    else if (r === 5) d.getMap('m').set(`k${step % 5}`, Math.random() < 0.5 ? { n: step } : new Y.Map());
    else if (r === 6) d.getArray('a').insert(0, [step, 'x', new Uint8Array([1])]);
    else if (r === 7) undo.undo();
    else {
      const [a, b] = [replicas[Math.floor(Math.random() * 3)], replicas[Math.floor(Math.random() * 3)]];
      Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
    }
  }
  for (const a of replicas) for (const b of replicas) check(Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  check(Y.mergeUpdates(replicas.map((d) => Y.encodeStateAsUpdate(d))));
}
console.log(JSON.stringify({ validUpdatesChecked: produced, validUpdatesRefused: refusedValid }));
