/**
 * The document schema as the server converts and exports with it: the one extension list in
 * `@tandem/common/schema` (which the editor edits with too), headless, since no editor view runs here.
 * Loaded with the exporters only, so Tiptap stays out of the heap until the first export.
 */
import { getSchema, type Extensions } from '@tiptap/core';
import { documentExtensions } from '@tandem/common/schema';

/** The document's extensions with every view behaviour off, configured once. */
export const exportExtensions: Extensions = documentExtensions();

export const documentSchema = getSchema(exportExtensions);
