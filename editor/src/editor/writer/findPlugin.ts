/**
 * Find and replace in the live editor: a ProseMirror plugin holding the compiled query and its matches
 * (recomputed when the document changes, so a collaborator's edit moves or removes matches), drawn as
 * decorations — nothing is written to the document until you replace.
 */
import { yUndoPluginKey } from '@tiptap/y-tiptap';
import { Extension, type Editor } from '@tiptap/core';
import { Plugin, PluginKey, TextSelection, type EditorState, type Transaction } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { findInDoc, replacementFor, type DocMatch } from './findMatches';

export interface FindState {
  pattern: RegExp | null;
  matches: DocMatch[];
  /** Index of the current match, or -1 when there is none. */
  current: number;
}

export const findKey = new PluginKey<FindState>('find');
const EMPTY: FindState = { pattern: null, matches: [], current: -1 };

type FindMeta = { pattern: RegExp | null } | { current: number };

/** The match at or after `pos`, wrapping to the first. */
function nearest(matches: DocMatch[], pos: number): number {
  if (matches.length === 0) return -1;
  const i = matches.findIndex((m) => m.from >= pos);
  return i === -1 ? 0 : i;
}

export const FindHighlights = Extension.create({
  name: 'findHighlights',
  addProseMirrorPlugins() {
    return [
      new Plugin<FindState>({
        key: findKey,
        state: {
          init: () => EMPTY,
          apply(tr, value, _old, state) {
            const meta = tr.getMeta(findKey) as FindMeta | undefined;
            if (meta && 'pattern' in meta) {
              if (!meta.pattern) return EMPTY;
              const matches = findInDoc(state.doc, meta.pattern);
              return { pattern: meta.pattern, matches, current: nearest(matches, state.selection.from) };
            }
            if (meta && 'current' in meta) return { ...value, current: meta.current };
            if (!value.pattern || !tr.docChanged) return value;
            const matches = findInDoc(state.doc, value.pattern);
            const was = value.matches[value.current];
            return { ...value, matches, current: nearest(matches, was ? tr.mapping.map(was.from) : state.selection.from) };
          },
        },
        props: {
          decorations(state) {
            const { matches, current } = findKey.getState(state) ?? EMPTY;
            if (matches.length === 0) return null;
            return DecorationSet.create(
              state.doc,
              matches.map((m, i) => Decoration.inline(m.from, m.to, { class: i === current ? 'find-match find-match--current' : 'find-match' })),
            );
          },
        },
      }),
    ];
  },
});

/** The find state of `state` (empty when the plugin is absent). */
export const findStateOf = (state: EditorState): FindState => findKey.getState(state) ?? EMPTY;

/** Searches for `pattern` (null clears the highlights). */
export function setFindPattern(editor: Editor, pattern: RegExp | null): void {
  editor.view.dispatch(editor.state.tr.setMeta(findKey, { pattern }).setMeta('addToHistory', false));
}

/** Moves to the next (`+1`) or previous (`-1`) match, selects it and scrolls it into view. */
export function stepMatch(editor: Editor, direction: 1 | -1): void {
  const { matches, current } = findStateOf(editor.state);
  if (matches.length === 0) return;
  const next = (current + direction + matches.length) % matches.length;
  selectMatch(editor, next);
}

function selectMatch(editor: Editor, index: number): void {
  const match = findStateOf(editor.state).matches[index];
  if (!match) return;
  const tr = editor.state.tr.setMeta(findKey, { current: index }).setSelection(TextSelection.create(editor.state.doc, match.from, match.to));
  editor.view.dispatch(tr.scrollIntoView());
}

/** Replaces the current match and moves to the next one. */
export function replaceCurrent(editor: Editor, replacement: string, regex: boolean): void {
  const { matches, current, pattern } = findStateOf(editor.state);
  const match = matches[current];
  if (!match || !pattern) return;
  const tr = editor.state.tr;
  replaceMatch(tr, match, pattern, replacement, regex);
  const undo = yUndoPluginKey.getState(editor.state)?.undoManager;
  undo?.stopCapturing();
  editor.view.dispatch(tr);
  undo?.stopCapturing();
  const after = findStateOf(editor.state);
  if (after.current !== -1) selectMatch(editor, after.current);
}

/** Replaces every match in one transaction, so a single undo brings them all back. Returns how many. */
export function replaceAll(editor: Editor, replacement: string, regex: boolean): number {
  const { matches, pattern } = findStateOf(editor.state);
  if (!pattern || matches.length === 0) return 0;
  const tr = editor.state.tr;
  // Back to front: earlier positions stay valid while later text changes.
  for (const match of [...matches].reverse()) replaceMatch(tr, match, pattern, replacement, regex);
  // Its own undo step, whatever came just before or comes right after: Yjs's undo manager merges changes made
  // within its capture time, and the collaboration binding may write small fixes meanwhile.
  const undo = yUndoPluginKey.getState(editor.state)?.undoManager;
  undo?.stopCapturing();
  editor.view.dispatch(tr);
  undo?.stopCapturing();
  return matches.length;
}

/** Replaces one match, keeping the marks of its first character (bold text stays bold). */
function replaceMatch(tr: Transaction, match: DocMatch, pattern: RegExp, replacement: string, regex: boolean): void {
  const text = replacementFor(tr.doc.textBetween(match.from, match.to, '\n', '\n'), pattern, replacement, regex);
  if (text === '') tr.delete(match.from, match.to);
  else tr.replaceWith(match.from, match.to, tr.doc.type.schema.text(text, tr.doc.resolve(match.from + 1).marks()));
}
