/** [UP8] A copy of a document whose image sources went through `map` (attributes only: positions stay). */
import { Fragment, type Node as PMNode } from '@tiptap/pm/model';

export function withImageSrcs(root: PMNode, map: (src: string) => string): PMNode {
  const rewrite = (node: PMNode): PMNode => {
    if (node.type.name === 'image') {
      const src = node.attrs['src'];
      return typeof src === 'string' ? node.type.create({ ...node.attrs, src: map(src) }, null, node.marks) : node;
    }
    // Images are blocks: text blocks and other leaves cannot hold one.
    if (node.isLeaf || node.isTextblock) return node;
    const children: PMNode[] = [];
    let changed = false;
    node.forEach((child) => {
      const next = rewrite(child);
      changed ||= next !== child;
      children.push(next);
    });
    return changed ? node.copy(Fragment.from(children)) : node;
  };
  return rewrite(root);
}
