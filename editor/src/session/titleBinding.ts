import * as Y from 'yjs';
import {
  type DeltaOp,
  type TextEdit,
  applyEdit,
  caretAfter,
  diffText,
  fitTitleEdit,
  isPlainDelta,
  mapOffset,
  mapSelection,
} from '../lib/textEdits';

/** Typing within this long of the previous keystroke joins the same undo step (unless a new word starts). */
export const TITLE_UNDO_CAPTURE_MS = 700;

export interface TitleBindingOptions {
  /** The longest title anyone may type (MAX_TITLE_LENGTH); longer pastes are cut. */
  maxLength: number;
  /** Called after the field's value changed, from either side (e.g. to grow the field). */
  onChange?: () => void;
  /** Overrides TITLE_UNDO_CAPTURE_MS (tests). */
  captureMs?: number;
}

type EditKind = 'insert' | 'delete' | 'replace';

/**
 * Binds a text field to the title Y.Text, both ways, without the field's value ever being replaced wholesale:
 * - your input becomes the smallest insert/delete on the Y.Text (diffed around the caret);
 * - someone else's change is applied to the field and your selection mapped through it, so it stays on the
 *   same characters (a caret keeps the character on its left) instead of jumping to the end;
 * - undo and redo (Ctrl/⌘+Z, Shift+Ctrl/⌘+Z, Ctrl+Y, the browser's Edit menu) go through a `Y.UndoManager`
 *   scoped to the title and to your own edits, a word or a burst of typing at a time — never someone else's.
 * The field shows exactly the Y.Text's characters at all times (embeds a client may have put there are left out).
 */
export class TitleBinding {
  readonly undoManager: Y.UndoManager;
  /** What the field shows, as last synced with the Y.Text. */
  private value: string;
  /** Whether the Y.Text holds more than characters (embeds): then offsets in the field and in it differ. */
  private hasEmbeds: boolean;
  /** The kind and end of the previous local edit, to tell when a new undo step starts. */
  private last: { kind: EditKind; at: number } | null = null;

  constructor(
    private readonly field: HTMLTextAreaElement,
    private readonly text: Y.Text,
    private readonly options: TitleBindingOptions,
  ) {
    this.value = text.toString();
    this.hasEmbeds = text.length !== this.value.length;
    field.value = this.value;
    // Tracks only transactions whose origin is this binding: remote changes are never undone here.
    this.undoManager = new Y.UndoManager(text, { trackedOrigins: new Set([this]), captureTimeout: options.captureMs ?? TITLE_UNDO_CAPTURE_MS });
    text.observe(this.onTextChange);
    field.addEventListener('input', this.onInput);
    field.addEventListener('keydown', this.onKeyDown);
    field.addEventListener('beforeinput', this.onBeforeInput);
  }

  destroy(): void {
    this.text.unobserve(this.onTextChange);
    this.field.removeEventListener('input', this.onInput);
    this.field.removeEventListener('keydown', this.onKeyDown);
    this.field.removeEventListener('beforeinput', this.onBeforeInput);
    this.undoManager.destroy();
  }

  /** Undoes your last word or burst in the title (typing afterwards starts a new step). */
  undo(): void {
    this.last = null;
    this.undoManager.undo();
  }

  /** Redoes what `undo` took back. */
  redo(): void {
    this.last = null;
    this.undoManager.redo();
  }

  /** The field changed under the user's hands: write the difference into the Y.Text. */
  private readonly onInput = (): void => {
    const next = this.field.value;
    const typed = diffText(this.value, next, this.field.selectionEnd ?? next.length);
    if (!typed) return;
    const edit = fitTitleEdit(typed, this.value.length, this.options.maxLength);
    this.startUndoStepIfNew(edit);
    this.text.doc!.transact(() => {
      const index = this.textIndex(edit.index);
      if (edit.remove > 0) this.text.delete(index, this.textIndex(edit.index + edit.remove) - index);
      if (edit.insert !== '') this.text.insert(index, edit.insert);
    }, this);
    this.value = applyEdit(this.value, edit);
    if (edit !== typed) {
      // Line breaks became spaces or the paste was cut: show what the title really holds.
      this.field.value = this.value;
      const caret = edit.index + edit.insert.length;
      this.field.setSelectionRange(caret, caret);
    }
    this.options.onChange?.();
  };

  /** A new undo step starts with a new word, a change of kind (typing ↔ deleting) or a jump elsewhere. */
  private startUndoStepIfNew(edit: TextEdit): void {
    const kind: EditKind = edit.remove === 0 ? 'insert' : edit.insert === '' ? 'delete' : 'replace';
    const continues =
      this.last !== null &&
      kind === this.last.kind &&
      kind !== 'replace' &&
      (kind === 'insert' ? edit.index === this.last.at : edit.index + edit.remove === this.last.at || edit.index === this.last.at);
    const startsWord = kind === 'insert' && /^\S/.test(edit.insert) && /\s/.test(this.value[edit.index - 1] ?? '');
    if (!continues || startsWord) this.undoManager.stopCapturing();
    this.last = { kind, at: kind === 'insert' ? edit.index + edit.insert.length : edit.index };
  }

  /** The Y.Text offset of the field's `offset`: the same, unless the text holds embeds (one place each). */
  private textIndex(offset: number): number {
    if (!this.hasEmbeds) return offset;
    let index = 0;
    let chars = 0;
    for (const op of this.text.toDelta() as DeltaOp[]) {
      if (typeof op.insert !== 'string') {
        index += 1;
        continue;
      }
      if (chars + op.insert.length >= offset) return index + (offset - chars);
      chars += op.insert.length;
      index += op.insert.length;
    }
    return index;
  }

  /** Someone else changed the title (or undo/redo did): update the field, keeping the selection in place. */
  private readonly onTextChange = (event: Y.YTextEvent, transaction: Y.Transaction): void => {
    if (transaction.origin === this) return; // our own input: the field already shows it
    const delta = event.delta as DeltaOp[];
    const plain = !this.hasEmbeds && isPlainDelta(delta);
    const next = this.text.toString();
    const { selectionStart, selectionEnd, selectionDirection } = this.field;
    let selection = { start: selectionStart ?? 0, end: selectionEnd ?? 0 };
    const undoCaret = transaction.origin === this.undoManager ? caretAfter(delta) : null;
    if (undoCaret !== null && plain) selection = { start: undoCaret, end: undoCaret };
    else if (plain) selection = mapSelection(selection, delta);
    // Embeds shift offsets in ways a field cannot show: keep the selection where it was, within the text.
    else selection = { start: Math.min(selection.start, next.length), end: Math.min(selection.end, next.length) };
    this.value = next;
    this.hasEmbeds = this.text.length !== next.length;
    // Someone else typing meanwhile does not cut your burst into characters: its end moves with the text.
    this.last = plain && undoCaret === null && this.last ? { ...this.last, at: mapOffset(this.last.at, delta, -1) } : null;
    this.field.value = next;
    if (this.field.ownerDocument.activeElement === this.field) {
      this.field.setSelectionRange(selection.start, selection.end, selectionDirection ?? undefined);
    }
    this.options.onChange?.();
  };

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    const mod = event.ctrlKey || event.metaKey;
    if (!mod || event.altKey) return;
    const key = event.key.toLowerCase();
    const redo = (key === 'z' && event.shiftKey) || (key === 'y' && event.ctrlKey && !event.shiftKey);
    if (!redo && !(key === 'z' && !event.shiftKey)) return;
    // The field's own history knows nothing of the shared title: never let the browser undo.
    event.preventDefault();
    if (redo) this.redo();
    else this.undo();
  };

  /** The browser's Edit menu and context menu undo through `beforeinput`. */
  private readonly onBeforeInput = (event: InputEvent): void => {
    if (event.inputType !== 'historyUndo' && event.inputType !== 'historyRedo') return;
    event.preventDefault();
    if (event.inputType === 'historyRedo') this.redo();
    else this.undo();
  };
}
