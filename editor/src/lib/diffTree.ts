/**
 * The diff answer lists text blocks flat, each with the names of the nodes around it
 * (`["bulletList", "listItem"]`). The preview nests them again — lists, items, quotes — so it reads like
 * the document. Names carry no identity, so two lists that touch merge into one and an item's second
 * paragraph starts a new item; for a preview of changes that is close enough.
 */
import type { DiffBlock } from '@tandem/common/api';

export type DiffNode = { kind: 'block'; block: DiffBlock } | { kind: 'container'; name: string; children: DiffNode[] };

const ITEMS = new Set(['listItem', 'taskItem']);

/** Nests `blocks` by their paths, from `depth` on. */
export function diffTree(blocks: readonly DiffBlock[], depth = 0): DiffNode[] {
  const out: DiffNode[] = [];
  let i = 0;
  while (i < blocks.length) {
    const block = blocks[i] as DiffBlock;
    const name = block.path[depth];
    if (name === undefined) {
      out.push({ kind: 'block', block });
      i++;
      continue;
    }
    let j = i;
    while (j < blocks.length && (blocks[j] as DiffBlock).path[depth] === name) j++;
    const group = blocks.slice(i, j);
    if (ITEMS.has(name)) out.push(...items(name, group, depth));
    else out.push({ kind: 'container', name, children: diffTree(group, depth + 1) });
    i = j;
  }
  return out;
}

/** A run of blocks inside list items: one directly in the item starts the next item; deeper ones nest in it. */
function items(name: string, group: readonly DiffBlock[], depth: number): DiffNode[] {
  const result: { kind: 'container'; name: string; blocks: DiffBlock[] }[] = [];
  for (const block of group) {
    const current = result[result.length - 1];
    if (!current || block.path.length === depth + 1) result.push({ kind: 'container', name, blocks: [block] });
    else current.blocks.push(block);
  }
  return result.map((item) => ({ kind: 'container', name: item.name, children: diffTree(item.blocks, depth + 1) }));
}
