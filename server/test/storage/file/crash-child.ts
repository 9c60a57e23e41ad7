/**
 * Child process for the crash tests (see child-process.ts for how it is built and run). Not a test file.
 *
 *   crash-child.js <dataDir> compact <step>  three compactions racing appends; the third is SIGKILLed right
 *                                            before <step> (or runs to the end for "none")
 *   crash-child.js <dataDir> append          appends (and compacts) forever until the parent SIGKILLs it
 *   crash-child.js <dataDir> history         history entries and versions forever until SIGKILLed (below)
 *
 * Every edit pushes its sequence number onto the Y.Array 'a'; "ack <n>" is printed once its append resolved.
 */
import * as Y from 'yjs';
import { FileStore } from '../../../src/storage/file/store.js';
import { crashHistoryEntry, crashVersionSnapshot, crashVersionTime } from './crash-scenario.js';

export const CRASH_DOC_ID = 'crashdoc_0001';

const [dataDir, scenario, target] = process.argv.slice(2);
if (!dataDir || !scenario) throw new Error('usage: crash-child <dataDir> compact|append|history [step]');

let armed = false;
const store = new FileStore({
  dataDir,
  fsyncIntervalMs: 1000,
  hooks: {
    beforeCompactionStep(step) {
      if (armed && step === target) {
        process.stdout.write(`killed-at ${step}\n`);
        process.kill(process.pid, 'SIGKILL');
      }
    },
  },
});

const doc = new Y.Doc();
const array = doc.getArray<number>('a');
let next = 0;

/** One edit, appended; resolves when acknowledged. */
function edit(): Promise<void> {
  const n = next++;
  let update: Uint8Array | null = null;
  const capture = (u: Uint8Array): void => {
    update = u;
  };
  doc.on('update', capture);
  array.push([n]);
  doc.off('update', capture);
  if (!update) throw new Error('no update');
  return store.append(CRASH_DOC_ID, update).then(() => {
    process.stdout.write(`ack ${n}\n`);
  });
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const compact = (): Promise<void> => store.compact(CRASH_DOC_ID, () => Y.encodeStateAsUpdate(doc));

await store.create({ id: CRASH_DOC_ID, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), linkGeneration: 0 });

if (scenario === 'compact') {
  for (let phase = 0; phase < 3; phase++) {
    for (let i = 0; i < 40; i++) await edit();
    armed = phase === 2;
    const racing: Promise<void>[] = [compact()];
    for (let i = 0; i < 40; i++) {
      racing.push(edit());
      if (i % 5 === 0) await tick();
    }
    await Promise.all(racing);
  }
  await store.close();
  process.stdout.write('finished\n');
} else if (scenario === 'append') {
  for (;;) {
    const writes = Array.from({ length: 10 }, () => edit());
    if (next % 200 < 10) writes.push(compact());
    await Promise.all(writes);
  }
} else if (scenario === 'history') {
  // Ten history entries at a time ("ack <n>" each), then version v<n> ("version <n>" once durable), then
  // v<n-30> deleted ("deleted <n-30>"): three versions stay, the deleted ones' bytes trigger rewrites.
  for (let n = 0; ; n += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.appendHistory(CRASH_DOC_ID, crashHistoryEntry(n + i)).then(() => process.stdout.write(`ack ${n + i}\n`)),
      ),
    );
    await store.putVersion(CRASH_DOC_ID, {
      id: `v${n}`,
      createdAt: crashVersionTime(n),
      name: null,
      kind: 'auto',
      authors: [{ name: `author ${n}`, color: null }],
      inserted: n,
      deleted: 0,
      changes: n + 10,
      snapshot: crashVersionSnapshot(n),
    });
    process.stdout.write(`version ${n}\n`);
    if (n >= 30) {
      await store.deleteVersions(CRASH_DOC_ID, [`v${n - 30}`]);
      process.stdout.write(`deleted ${n - 30}\n`);
    }
  }
} else {
  throw new Error(`unknown scenario ${scenario}`);
}
