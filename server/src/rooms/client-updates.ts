import * as Y from 'yjs';
import { CloseCode } from '@tandem/common';
import { ProtocolError } from '../protocol/messages.js';
import { isEmptyUpdate } from '../protocol/empty-update.js';
import { reportLimitTrip, type LimitReporting } from '../limits.js';
import type { Connection } from './connection.js';
import { checkCommentRules } from '../comments/update-rules.js';
import { HeldBackSources } from './held-back-sources.js';
import { decodeCheckedUpdate, dropPending, pendingBytes, type DecodedUpdate } from './update-guard.js';

/**
 * [L9] Most bytes of held-back updates (waiting for changes the server lacks) a document keeps. Yjs re-merges
 * all of them on each further incomplete update: measured, 128 KiB costs at most ~50 ms, 1 MiB ~500 ms.
 * Honest clients send their changes in order on one socket, so they rarely leave anything held back.
 */
const MAX_PENDING_BYTES = 128 * 1024;

/**
 * [L9][CM3] Most bytes of received updates kept while something is held back (the comment rules judge
 * held-back changes when a later update would let them in; see `HeldBackSources`). Placing them all again
 * costs ~1 ms per 25 KiB on each update while anything waits; past this, the held-back changes are dropped.
 */
const MAX_HELD_BACK_SOURCE_BYTES = 256 * 1024;

/** How a refused update's socket is closed. */
export interface UpdateRefusal {
  code: number;
  reason: string;
}

export interface ClientUpdatesDeps extends LimitReporting {
  maxDocBytes: number;
  /** The document's size as stored (snapshot + log), for [L2]. */
  storedBytes(): number;
}

/**
 * The gate every document update from a peer passes: what its link may change [R1], the document's size
 * limit [L2], the structural check [M2] before anything is touched, and the held-back bound [L9] after.
 * Access rules that look inside an update (which parts of the document it may change) belong here.
 */
export class ClientUpdates {
  /** [CM3] The received updates that may hold what Yjs holds back, while it holds anything back. */
  private readonly heldBack = new HeldBackSources(MAX_HELD_BACK_SOURCE_BYTES);

  constructor(
    private readonly doc: Y.Doc,
    private readonly deps: ClientUpdatesDeps,
  ) {}

  /**
   * Applies `update` from `conn` (with `conn` as the transaction origin), or refuses it. Null when nothing
   * asks for the socket to close; a refusal says how to close it. Throws ProtocolError for a malformed update.
   */
  apply(conn: Connection, update: Uint8Array): UpdateRefusal | null {
    // [M2] The empty update changes nothing: there is nothing to check, apply, store or relay. Every new
    // socket of a stock client sends one as its step2 (view-only ones too); applying it cost a transaction
    // and its observers.
    if (isEmptyUpdate(update)) return null;
    if (!conn.canWrite) {
      // [R1] View connections never change the document: anything else they send is dropped, and counted.
      this.deps.metrics.droppedReadOnlyUpdates.inc();
      return null;
    }
    const { maxDocBytes } = this.deps;
    if (this.deps.storedBytes() + update.byteLength > maxDocBytes) {
      reportLimitTrip(this.deps, 'document_size', 'document size limit reached', { conn: conn.id, max: maxDocBytes });
      return { code: CloseCode.PolicyViolation, reason: 'document size limit reached' };
    }
    // [M2] Parse and check the whole update before touching the document, so a malformed one changes nothing.
    const checked = decodeCheckedUpdate(update);
    if ('refused' in checked) throw new ProtocolError(checked.refused);
    const refusal = this.checkComments(conn, checked.decoded);
    if (refusal) return refusal;
    Y.applyUpdate(this.doc, update, conn);
    if (pendingBytes(this.doc) > MAX_PENDING_BYTES) {
      // [L9] Held-back updates would make every later update slow; drop them (none was acknowledged).
      this.dropHeldBack();
      const max = MAX_PENDING_BYTES;
      reportLimitTrip(this.deps, 'pending_updates', 'too many updates waiting for missing changes', { conn: conn.id, max });
      return { code: CloseCode.PolicyViolation, reason: 'too many changes depend on changes the server does not have' };
    }
    if (!this.heldBack.noteApplied(this.doc, checked.decoded, update.byteLength)) {
      // [L9] Held back while too much else went by: whatever they wait for is not coming on these sockets.
      this.dropHeldBack();
      reportLimitTrip(this.deps, 'pending_updates', 'dropped changes held back for too long', { max: MAX_HELD_BACK_SOURCE_BYTES });
    }
    return null;
  }

  private dropHeldBack(): void {
    dropPending(this.doc);
    this.heldBack.clear();
  }

  /**
   * [CM1–CM4] A comment connection changes only comments, and its own; what anyone puts under `comments` has
   * the contract's shape. A refused update is not applied, so not stored or relayed; its sender's later
   * updates would depend on it, so its socket closes: 4403 for what the link may not do, 1008 for a shape.
   */
  private checkComments(conn: Connection, decoded: DecodedUpdate): UpdateRefusal | null {
    const writer = {
      scope: conn.canEditAll ? ('edit' as const) : ('comment' as const),
      owns: (client: number) => conn.clientIds.has(client),
      name: conn.access.name,
    };
    const verdict = checkCommentRules(this.doc, decoded, writer, this.heldBack.list);
    if (verdict.kind === 'allow') return null;
    const { metrics, logger } = this.deps;
    if (verdict.kind === 'allow-without-held-back') {
      // Held-back changes would land misshapen once this update lets them in: forget them, as [L9] does.
      metrics.updateRefusals.inc({ reason: 'held_back_shape' });
      logger.warn({ conn: conn.id, why: verdict.message }, 'dropped held-back changes that would break the comments');
      this.dropHeldBack();
      return null;
    }
    metrics.updateRefusals.inc({ reason: verdict.reason });
    logger.warn({ conn: conn.id, scope: writer.scope, reason: verdict.reason, why: verdict.message }, 'refused an update');
    return verdict.reason === 'shape'
      ? { code: CloseCode.PolicyViolation, reason: verdict.message }
      : { code: CloseCode.ScopeRefused, reason: verdict.message };
  }
}
