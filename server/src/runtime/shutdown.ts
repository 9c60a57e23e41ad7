import type { Server as HttpServer } from 'node:http';
import type { WebSocket } from 'ws';
import type { ClusterBus } from '../cluster/redis-bus.js';
import type { Logger } from '../logger.js';
import { CloseCode } from '@tandem/common';
import type { RoomRegistry } from '../rooms/registry.js';
import type { DocStore } from '../storage/doc-store.js';
import type { MemoryReturn } from './memory-return.js';

/** Everything a shutdown stops, in the order it stops them. */
export interface ShutdownParts {
  stopKeepAlive: () => void;
  server: HttpServer;
  /** Every open collaboration socket. */
  sockets: Set<WebSocket>;
  registry: RoomRegistry;
  /** Stopped once every document has unloaded, so no collection is left scheduled. */
  memoryReturn: MemoryReturn;
  cluster?: ClusterBus;
  /** [WH4] Webhooks: told after the documents' last versions, before the store goes (a lookup may read it). */
  webhooks?: { close(): Promise<void> } | null | undefined;
  store: DocStore;
  logger: Logger;
}

/** A peer that does not answer the close handshake within this is cut off. */
const CLOSE_HANDSHAKE_MS = 1000;

/**
 * [S1] Stops the server: no new connections, every open socket closed with 1001, every document final-written
 * and unloaded, then the cluster bus and the store closed. The caller refuses new sockets (draining) from
 * before this starts, and runs it once.
 */
export async function shutdown(parts: ShutdownParts): Promise<void> {
  const { server, registry, logger } = parts;
  parts.stopKeepAlive();
  server.close();
  await Promise.all([...parts.sockets].map(closeSocket));
  await registry.closeAll();
  parts.memoryReturn.stop();
  await parts.webhooks?.close();
  await parts.cluster?.close();
  await parts.store.close();
  server.closeAllConnections();
  logger.info('tandem stopped');
}

/** Closes one socket with 1001 and resolves once it is closed (or cut off). */
function closeSocket(ws: WebSocket): Promise<void> {
  return new Promise<void>((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve();
    ws.once('close', () => resolve());
    ws.close(CloseCode.GoingAway, 'server shutting down');
    // A peer that does not answer the close handshake is cut off.
    setTimeout(() => {
      ws.terminate();
      resolve();
    }, CLOSE_HANDSHAKE_MS).unref();
  });
}
