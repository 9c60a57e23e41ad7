/**
 * Several instances behind no sticky balancer [CL1–CL4]: real child processes, real PostgreSQL and Redis,
 * the stock y-websocket client.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, createDoc, synced, waitFor } from '../support/harness.js';
import { startBalancer } from '../support/balancer.js';
import { Redis } from 'ioredis';
import { encodeClusterMessage } from '../../src/cluster/wire.js';
import { metric, stopChild, type ChildServer } from '../integration/support.js';
import { addParagraph, api, converged as historyConverged, join, wipe } from '../history/support.js';
import { startCluster, type TestCluster } from './support.js';
import { CONTENT_FRAGMENT } from '@tandem/common';
import { joinAs } from '../comments/people.js';
import { addThread, anchors, bodiesOf, firstText, reply, threadOf } from '../comments/support.js';

type Client = ReturnType<typeof connectClient>;

const texts = (clients: Client[]) => clients.map((c) => c.text.toString());
const converged = (clients: Client[]) => new Set(texts(clients)).size === 1;

/** A fresh client's view of the document: what the store and the instance hold, not what clients kept. */
async function freshView(wsUrl: string, docId: string, token: string): Promise<string> {
  const probe = connectClient(wsUrl, docId, token);
  await synced(probe.provider);
  const text = probe.text.toString();
  probe.destroy();
  return text;
}

describe('three instances sharing PostgreSQL and Redis', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster(3);
  }, 60_000);
  afterAll(async () => {
    await cluster?.cleanup();
  }, 30_000);

  it('[CL1] clients spread over the instances make random concurrent edits; all converge and nothing is lost', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ client: fc.nat(5), at: fc.nat(), word: fc.stringMatching(/^[a-z]{1,4}$/) }), { minLength: 5, maxLength: 40 }),
        async (edits) => {
          const doc = await createDoc(cluster.instances[0]!.url);
          const clients = Array.from({ length: 6 }, (_, i) =>
            connectClient(cluster.instances[i % 3]!.wsUrl, doc.id, doc.editToken),
          );
          try {
            await Promise.all(clients.map((c) => synced(c.provider)));
            edits.forEach((edit, n) => {
              const text = clients[edit.client]!.text;
              // A unique marker per edit, inserted between whole markers, so "nothing lost" is checkable word by word.
              const current = text.toString();
              const boundaries = [0, ...[...current].flatMap((ch, i) => (ch === '>' ? [i + 1] : []))];
              text.insert(boundaries[edit.at % boundaries.length]!, `<${n}${edit.word}>`);
            });
            await waitFor(() => converged(clients), 'all six clients converge', 15_000);
            const final = clients[0]!.text.toString();
            edits.forEach((edit, n) => expect(final).toContain(`<${n}${edit.word}>`));
            for (const instance of cluster.instances) {
              await waitFor(async () => (await freshView(instance.wsUrl, doc.id, doc.viewToken)) === final, 'a fresh reader on every instance', 10_000);
            }
          } finally {
            clients.forEach((c) => c.destroy());
          }
        },
      ),
      { numRuns: 4 },
    );
  }, 120_000);

  it('[CL2] a client joining on an instance that never opened the document gets edits and cursors from the others', async () => {
    const fresh = await cluster.addInstance();
    const doc = await createDoc(cluster.instances[0]!.url);
    const a = connectClient(cluster.instances[0]!.wsUrl, doc.id, doc.editToken);
    const b = connectClient(cluster.instances[1]!.wsUrl, doc.id, doc.editToken);
    try {
      await Promise.all([synced(a.provider), synced(b.provider)]);
      a.text.insert(0, 'from A. ');
      b.text.insert(0, 'from B. ');
      a.provider.awareness.setLocalStateField('user', { name: 'Ana' });
      await waitFor(() => converged([a, b]) && a.text.length === 16, 'A and B converge');
      const late = connectClient(fresh.wsUrl, doc.id, doc.editToken);
      try {
        await synced(late.provider);
        await waitFor(() => late.text.toString() === a.text.toString(), 'the late joiner has every edit');
        await waitFor(() => late.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ana', 'and sees Ana’s presence');
        late.text.insert(late.text.length, 'late.');
        await waitFor(() => converged([a, b, late]) && a.text.toString().endsWith('late.'), 'its edit reaches the others');
      } finally {
        late.destroy();
      }
    } finally {
      a.destroy();
      b.destroy();
    }
  }, 60_000);

  it('[CL3] Redis restarted mid-session: each side keeps working, /healthz says not ready, then all converge', async () => {
    const [one, two] = cluster.instances;
    const doc = await createDoc(one!.url);
    const a = connectClient(one!.wsUrl, doc.id, doc.editToken);
    const b = connectClient(two!.wsUrl, doc.id, doc.editToken);
    const a2 = connectClient(one!.wsUrl, doc.id, doc.editToken);
    try {
      await Promise.all([a, b, a2].map((c) => synced(c.provider)));
      a.text.insert(0, 'before.');
      await waitFor(() => converged([a, b, a2]) && b.text.length === 7, 'converged before the outage');
      await cluster.redis.stop();
      await waitFor(async () => (await fetch(`${one!.url}/healthz`)).status === 503, 'instance reports not ready', 10_000);
      const health = (await (await fetch(`${one!.url}/healthz`)).json()) as { status: string; redis?: boolean };
      expect(health).toMatchObject({ status: 'not_ready', redis: false });
      a.text.insert(a.text.length, ' A-during.');
      b.text.insert(0, 'B-during. ');
      // Peers on the same instance still edit together.
      await waitFor(() => a2.text.toString().includes('A-during'), 'same-instance peer still served');
      // The outage is real: nothing crosses between the instances meanwhile.
      expect(b.text.toString()).not.toContain('A-during');
      expect(a.text.toString()).not.toContain('B-during');
      await cluster.redis.start();
      await waitFor(async () => (await fetch(`${one!.url}/healthz`)).status === 200, 'ready again', 20_000);
      await waitFor(() => converged([a, b, a2]) && a.text.toString().includes('B-during') && b.text.toString().includes('A-during'), 'both sides converge after the outage', 20_000);
      b.text.insert(0, 'after. ');
      await waitFor(() => a.text.toString().startsWith('after. '), 'live relay works again');
    } finally {
      [a, b, a2].forEach((c) => c.destroy());
    }
  }, 90_000);

  it('[CL1] garbage on a document channel is ignored and counted; the instances keep relaying', async () => {
    const doc = await createDoc(cluster.instances[0]!.url);
    const a = connectClient(cluster.instances[0]!.wsUrl, doc.id, doc.editToken);
    const b = connectClient(cluster.instances[1]!.wsUrl, doc.id, doc.editToken);
    const intruder = new Redis(cluster.redis.url);
    try {
      await Promise.all([synced(a.provider), synced(b.provider)]);
      const errorsBefore = await metric(cluster.instances[1]!.url, 'tandem_errors_total', 'kind="cluster"');
      const channel = `tandem:doc:${doc.id}`;
      await intruder.publish(channel, Buffer.from([1, 2, 3]));
      // Well framed, but the update inside is not a Yjs update.
      await intruder.publish(channel, Buffer.from(encodeClusterMessage({ kind: 'update', from: 'intruder', update: new Uint8Array([200, 1, 2, 3]) })));
      await intruder.publish(channel, Buffer.from(encodeClusterMessage({ kind: 'awareness', from: 'intruder', update: new Uint8Array([5]) })));
      await waitFor(async () => (await metric(cluster.instances[1]!.url, 'tandem_errors_total', 'kind="cluster"')) >= errorsBefore + 3, 'each bad message counted', 10_000);
      a.text.insert(0, 'still fine');
      await waitFor(() => b.text.toString() === 'still fine', 'relaying goes on');
    } finally {
      intruder.disconnect();
      a.destroy();
      b.destroy();
    }
  });

  it('[HI] a version made on one instance is listed and restorable on another; attribution spans instances', async () => {
    const [one, two, three] = cluster.instances as [ChildServer, ChildServer, ChildServer];
    const doc = await createDoc(one.url);
    const alice = await join(one, doc.id, doc.editToken, 'Alice', '#aa0000');
    const bob = await join(two, doc.id, doc.editToken, 'Bob', '#0000bb');
    try {
      addParagraph(alice.doc, 'Written on one');
      await historyConverged([alice, bob], ['', 'Written on one'], 'Bob sees Alice across instances', 10_000);
      const made = await api(one, doc.editToken).post(`/${doc.id}/versions`, { name: 'draft' });
      expect(made.status).toBe(201);
      wipe(bob.doc);
      await historyConverged([alice, bob], [''], 'the wipe reaches Alice', 10_000);

      const listed = await api(three, doc.viewToken).get(`/${doc.id}/versions`);
      expect(listed.json.versions.map((v: { id: string }) => v.id)).toContain(made.json.id);
      // Entries written by two instances, read by a third: the deletion is Bob's.
      const diff = await api(three, doc.viewToken).get(`/${doc.id}/history/diff?from=${made.json.id}&to=now`);
      const deleted = diff.json.blocks.flatMap((b: { segments: { change: string; author: number; text: string }[] }) =>
        b.segments.filter((s) => s.change === 'delete' && s.text.length > 0),
      );
      expect(deleted.map((s: { author: number }) => diff.json.authors[s.author].name)).toEqual(['Bob']);

      expect((await api(three, doc.editToken).post(`/${doc.id}/versions/${made.json.id}/restore`)).status).toBe(200);
      await historyConverged([alice, bob], ['', 'Written on one'], 'the restore made on a third instance reaches both', 10_000);
    } finally {
      alice.destroy();
      bob.destroy();
    }
  });

  it('[CL1][CM2] a comment made on one instance appears on the others; a comment link’s text edit reaches none', async () => {
    const [one, two, three] = cluster.instances as [ChildServer, ChildServer, ChildServer];
    const doc = await createDoc(one.url);
    const alice = await joinAs(one, doc.id, doc.editToken, 'Alice');
    const carol = await joinAs(two, doc.id, doc.commentToken, 'Carol');
    const bob = await joinAs(three, doc.id, doc.editToken, 'Bob');
    const everyone = [alice, carol, bob];
    try {
      addParagraph(alice.doc, 'Shared text');
      await waitFor(() => everyone.every((p) => p.doc.getXmlFragment(CONTENT_FRAGMENT).length === 2), 'the text everywhere', 10_000);
      addThread(carol.doc, 't1', { id: 'c1', author: 'Carol', body: 'From instance two' }, anchors(carol.doc, 0, 6, 1));
      await waitFor(() => [alice, bob].every((p) => bodiesOf(p.doc, 't1').length === 1), 'the thread on one and three', 10_000);
      reply(bob.doc, 't1', { id: 'c2', author: 'Bob', body: 'From instance three' });
      threadOf(alice.doc, 't1').set('resolved', true);
      await waitFor(
        () => everyone.every((p) => bodiesOf(p.doc, 't1').length === 2 && threadOf(p.doc, 't1').get('resolved') === true),
        'the reply and the resolution everywhere',
        10_000,
      );
      // Carol's text edit is refused on her instance and so reaches no other.
      firstText(carol.doc).insert(0, 'Carol: ');
      await waitFor(() => carol.closes.includes(4403), 'Carol closed with 4403', 10_000);
      addParagraph(bob.doc, 'Bob after');
      await waitFor(() => alice.doc.getXmlFragment(CONTENT_FRAGMENT).length === 3, 'Bob’s edit reaches Alice', 10_000);
      expect(alice.doc.getXmlFragment(CONTENT_FRAGMENT).toString()).not.toContain('Carol');
      for (const instance of cluster.instances) {
        const res = await fetch(`${instance.url}/api/docs/${doc.id}/comments?token=${doc.viewToken}`);
        const body = (await res.json()) as { threads: { id: string; quote: string; resolved: boolean; comments: { body: string }[] }[] };
        expect(body.threads.map((t) => [t.id, t.quote, t.resolved, t.comments.map((c) => c.body)])).toEqual([
          ['t1', 'Shared', true, ['From instance two', 'From instance three']],
        ]);
      }
    } finally {
      everyone.forEach((p) => p.destroy());
    }
  });

  it('[CL5] SIGKILL an instance: its peers\' carets vanish from the other instances within seconds, others stay', async () => {
    const victim = await cluster.addInstance();
    const doc = await createDoc(cluster.instances[0]!.url);
    const watcher = connectClient(cluster.instances[0]!.wsUrl, doc.id, doc.editToken);
    const stayer = connectClient(cluster.instances[1]!.wsUrl, doc.id, doc.editToken);
    const doomed = connectClient(victim.wsUrl, doc.id, doc.editToken);
    try {
      await Promise.all([watcher, stayer, doomed].map((c) => synced(c.provider)));
      stayer.provider.awareness.setLocalStateField('user', { name: 'Stella' });
      doomed.provider.awareness.setLocalStateField('user', { name: 'Doris' });
      const seen = (name: string) => [...watcher.provider.awareness.getStates().values()].some((s) => s.user?.name === name);
      await waitFor(() => seen('Stella') && seen('Doris'), 'the watcher sees both carets', 10_000);
      // The doomed client must not come back through another instance: it only knows the victim's address.
      doomed.provider.shouldConnect = false;
      const killedAt = Date.now();
      await stopChild(victim);
      cluster.instances.splice(cluster.instances.indexOf(victim), 1);
      await waitFor(() => !seen('Doris'), 'the dead instance\'s peer vanishes', 10_000);
      const vanishedAfter = Date.now() - killedAt;
      // Three missed heartbeats, not the 30 s awareness timeout.
      expect(vanishedAfter).toBeLessThan(8_000);
      expect(seen('Stella')).toBe(true);
      expect(await metric(cluster.instances[0]!.url, 'tandem_cluster_instances_gone_total')).toBeGreaterThanOrEqual(1);
    } finally {
      [watcher, stayer, doomed].forEach((c) => c.destroy());
    }
  }, 60_000);

  it('[CL4] SIGKILL one instance mid-edit: its clients reconnect through the balancer; nothing any peer saw is lost', async () => {
    const victim = cluster.instances[2]!;
    const balancer = await startBalancer(cluster.instances.map((i) => i.port));
    const doc = await createDoc(cluster.instances[0]!.url);
    const clients = Array.from({ length: 6 }, () => connectClient(balancer.wsUrl, doc.id, doc.editToken));
    try {
      await Promise.all(clients.map((c) => synced(c.provider)));
      // Everyone types continuously while the victim dies.
      let n = 0;
      const typing = setInterval(() => {
        for (const c of clients) c.text.insert(c.text.length, `[${n++}]`);
      }, 20);
      await waitFor(() => n > 120, 'some edits flowed', 10_000);
      await stopChild(victim);
      balancer.backends = balancer.backends.filter((port) => port !== victim.port);
      await waitFor(() => n > 360, 'editing goes on', 15_000);
      clearInterval(typing);
      await waitFor(() => clients.every((c) => c.provider.wsconnected), 'every client is connected again', 15_000);
      await waitFor(() => converged(clients), 'all clients converge', 20_000);
      const final = clients[0]!.text.toString();
      for (let i = 0; i < n; i++) expect(final).toContain(`[${i}]`);
      await waitFor(async () => (await freshView(balancer.wsUrl, doc.id, doc.viewToken)) === final, 'a fresh reader sees everything', 10_000);
    } finally {
      clients.forEach((c) => c.destroy());
      await balancer.close();
    }
  }, 90_000);
});
