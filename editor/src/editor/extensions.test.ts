import { documentExtensions } from '@tandem/common/schema';
import { getSchema } from '@tiptap/core';
import { describe, expect, it } from 'vitest';
import { contentExtensions } from './extensions';

/** Node and mark specs, functions aside, so two schemas can be compared by value. */
function specs(extensions: Parameters<typeof getSchema>[0]) {
  const schema = getSchema(extensions);
  const json = (types: Record<string, { spec: object }>) =>
    Object.fromEntries(Object.entries(types).map(([name, type]) => [name, JSON.stringify(type.spec, (_, v: unknown) => (typeof v === 'function' ? 'fn' : v))]));
  return { nodes: json(schema.nodes), marks: json(schema.marks) };
}

describe('contentExtensions', () => {
  it('edits with exactly the schema the server exports with (editor and viewer alike)', () => {
    const exported = specs(documentExtensions());
    expect(specs(contentExtensions({ editable: true }))).toEqual(exported);
    expect(specs(contentExtensions({ editable: false }))).toEqual(exported);
  });
});
