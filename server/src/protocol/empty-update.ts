/**
 * The Yjs update that changes nothing: no structs, no deletions (V1: two zero counts). The stock client sends
 * it as its sync step2 whenever it has nothing the server lacks — once per new socket of a fresh editor.
 * Shared: never write into it.
 */
export const EMPTY_UPDATE = new Uint8Array([0, 0]);

/** Whether `update` is exactly the empty update (a V1 update that lists nothing, in its only spelling). */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}
