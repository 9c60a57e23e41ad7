/**
 * Helpers for history tests: people editing the document as the editor does (paragraphs of `Y.XmlText`
 * in the `default` fragment, a name and colour in awareness) over the stock client, and the history API.
 */
import { CONTENT_FRAGMENT, titleText } from '@tandem/common';
import * as Y from 'yjs';
import { connectClient, synced, waitFor } from '../support/harness.js';

/** Any running server: in-process or a child process. */
export interface ServerAddress {
  url: string;
  wsUrl: string;
}

export interface Person {
  name: string;
  doc: Y.Doc;
  destroy(): void;
  /** The paragraphs' text, in order. */
  paragraphs(): string[];
  title(): string;
}

export async function join(server: ServerAddress, docId: string, token: string, name: string, color: string): Promise<Person> {
  const client = connectClient(server.wsUrl, docId, token);
  client.provider.awareness.setLocalStateField('user', { name, color, role: 'editor' });
  await synced(client.provider);
  return {
    name,
    doc: client.doc,
    destroy: client.destroy,
    paragraphs: () => paragraphsOf(client.doc),
    title: () => titleText(client.doc).toString(),
  };
}

export function paragraphsOf(doc: Y.Doc): string[] {
  return doc
    .getXmlFragment(CONTENT_FRAGMENT)
    .toArray()
    .map((node) => (node instanceof Y.XmlElement ? node.toArray().map((t) => (t instanceof Y.XmlText ? t.toString() : '')).join('') : ''));
}

/** Appends a paragraph holding `text`, as the editor's Enter + typing would. */
export function addParagraph(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(text)]);
    const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
    fragment.insert(fragment.length, [paragraph]);
  });
}

/** Types `text` at `offset` of paragraph `index` (its first text node). */
export function typeInto(doc: Y.Doc, index: number, offset: number, text: string): void {
  const paragraph = doc.getXmlFragment(CONTENT_FRAGMENT).get(index) as Y.XmlElement;
  let node = paragraph.get(0) as Y.XmlText | undefined;
  if (!node) {
    node = new Y.XmlText();
    paragraph.insert(0, [node]);
  }
  node.insert(offset, text);
}

/** Select all + delete, as the editor does it: every paragraph removed, one empty one left. */
export function wipe(doc: Y.Doc): void {
  doc.transact(() => {
    const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
    fragment.delete(0, fragment.length);
    fragment.insert(0, [new Y.XmlElement('paragraph')]);
  });
}

export function api(server: ServerAddress, token: string) {
  const base = `${server.url}/api/docs`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json: json as any, text };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body),
  };
}

export async function converged(people: Person[], expected: string[], what: string, timeoutMs = 5000): Promise<void> {
  const want = JSON.stringify(expected);
  try {
    await waitFor(() => people.every((p) => JSON.stringify(p.paragraphs()) === want), what, timeoutMs);
  } catch (error) {
    // Say what each person has at the deadline, not when the wait began.
    throw new Error(`${(error as Error).message}: wanted ${want}, have ${JSON.stringify(people.map((p) => p.paragraphs()))}`);
  }
}
