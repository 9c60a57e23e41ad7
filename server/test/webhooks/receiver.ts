import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as signed. */
  body: string;
  at: number;
  json: { id: string; type: string; createdAt: string; documentId: string; data: Record<string, unknown> };
}

/** How the receiver answers: a status, or never (the request hangs until the receiver closes). */
export type Behaviour = { status: number } | 'hang';

/** A real HTTP receiver on 127.0.0.1:<free port> recording every delivery. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Deliveries of one event type. */
  of(type: string): Received[];
  behave(behaviour: Behaviour): void;
  close(): Promise<void>;
}

export async function startReceiver(behaviour: Behaviour = { status: 204 }): Promise<Receiver> {
  const received: Received[] = [];
  let current = behaviour;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, at: Date.now(), json: JSON.parse(body) as Received['json'] });
      if (current === 'hang') return;
      res.writeHead(current.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    of: (type) => received.filter((r) => r.json.type === type),
    behave(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
