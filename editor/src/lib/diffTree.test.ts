import type { DiffBlock } from '@tandem/common/api';
import { describe, expect, it } from 'vitest';
import { type DiffNode, diffTree } from './diffTree';

const block = (text: string, ...path: string[]): DiffBlock => ({ type: 'paragraph', path, change: 'same', segments: [{ text, change: 'same' }] });

/** A compact picture of the tree: containers as `name[…]`, blocks as their text. */
const shape = (nodes: DiffNode[]): string =>
  nodes.map((n) => (n.kind === 'block' ? n.block.segments.map((s) => s.text).join('') : `${n.name}[${shape(n.children)}]`)).join(' ');

describe('diffTree', () => {
  it('nests list items, nested lists and quotes; top-level blocks stay flat', () => {
    const tree = diffTree([
      block('intro'),
      block('one', 'bulletList', 'listItem'),
      block('one.a', 'bulletList', 'listItem', 'orderedList', 'listItem'),
      block('one.b', 'bulletList', 'listItem', 'orderedList', 'listItem'),
      block('two', 'bulletList', 'listItem'),
      block('quoted', 'blockquote'),
      block('task', 'taskList', 'taskItem'),
      block('outro'),
    ]);
    expect(shape(tree)).toBe(
      'intro bulletList[listItem[one orderedList[listItem[one.a] listItem[one.b]]] listItem[two]] blockquote[quoted] taskList[taskItem[task]] outro',
    );
  });

  it('gives a nested list that comes first in its item an item of its own', () => {
    expect(shape(diffTree([block('deep', 'bulletList', 'listItem', 'bulletList', 'listItem')]))).toBe(
      'bulletList[listItem[bulletList[listItem[deep]]]]',
    );
  });
});
