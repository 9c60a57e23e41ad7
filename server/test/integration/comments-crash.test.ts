/**
 * [CM2][D1] The compiled server as `npm start` runs it, killed for real: what a comment link was refused
 * never reaches the disk, what it was allowed is there after SIGKILL and restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMENTS_MAP, CONTENT_FRAGMENT } from '@tandem/common';
import { afterEach, describe, expect, it } from 'vitest';
import { joinAs, type Participant } from '../comments/people.js';
import { addParagraph, addThread, anchors, bodiesOf, firstText } from '../comments/support.js';
import { createDoc, waitFor } from '../support/harness.js';
import { spawnServer, stopChild, type ChildServer } from './support.js';

const children: ChildServer[] = [];
const people: Participant[] = [];
let dataDir = '';

afterEach(async () => {
  people.splice(0).forEach((p) => p.destroy());
  await Promise.all(children.splice(0).map(stopChild));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function start(): Promise<ChildServer> {
  const server = await spawnServer(dataDir);
  children.push(server);
  return server;
}

async function person(server: ChildServer, id: string, token: string, name: string): Promise<Participant> {
  const p = await joinAs(server, id, token, name);
  people.push(p);
  return p;
}

describe('a comment link across SIGKILL and restart', () => {
  it('[CM2][D1] its refused text edit reaches nobody and never the disk; its comment survives', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tandem-comments-kill-'));
    const server = await start();
    const doc = await createDoc(server.url);
    const alice = await person(server, doc.id, doc.editToken, 'Alice');
    const carol = await person(server, doc.id, doc.commentToken, 'Carol');
    addParagraph(alice.doc, 'Written by Alice');
    await waitFor(() => carol.doc.getXmlFragment(CONTENT_FRAGMENT).length === 2, 'Carol has the text');
    addThread(carol.doc, 't1', { id: 'c1', author: 'Carol', body: 'kept across the crash' }, anchors(carol.doc, 0, 7, 1));
    await waitFor(() => bodiesOf(alice.doc, 't1').length === 1, 'Alice has Carol’s comment');
    firstText(carol.doc).insert(0, 'Carol typed this');
    await waitFor(() => carol.closes.includes(4403), 'Carol closed with 4403');
    // Alice's later edit is relayed back to her only once durable [D1]; Carol's, sent before, was never applied.
    addParagraph(alice.doc, 'Alice again');
    await waitFor(() => alice.doc.getXmlFragment(CONTENT_FRAGMENT).length === 3, 'Alice’s edit');
    const bob = await person(server, doc.id, doc.editToken, 'Bob');
    expect(bob.doc.getXmlFragment(CONTENT_FRAGMENT).toString()).not.toContain('Carol typed');
    expect(bodiesOf(bob.doc, 't1')).toEqual(['kept across the crash']);

    server.child.kill('SIGKILL');
    // Nobody may resend anything to the restarted server.
    people.splice(0).forEach((p) => p.destroy());
    expect((await server.exited).signal).toBe('SIGKILL');

    const restarted = await start();
    const reader = await person(restarted, doc.id, doc.viewToken, 'Reader');
    const content = reader.doc.getXmlFragment(CONTENT_FRAGMENT).toString();
    expect(content).toContain('Written by Alice');
    expect(content).not.toContain('Carol typed');
    expect([...reader.doc.getMap(COMMENTS_MAP).keys()]).toEqual(['t1']);
    expect(bodiesOf(reader.doc, 't1')).toEqual(['kept across the crash']);
    const res = await fetch(`${restarted.url}/api/docs/${doc.id}/comments?token=${doc.commentToken}`);
    expect(((await res.json()) as { threads: { quote: string }[] }).threads.map((t) => t.quote)).toEqual(['Written']);
  });
});
