/**
 * A minimal TCP load balancer for the cluster tests: each new connection goes to the next backend in turn
 * that accepts it (round robin, no stickiness), like a cloud balancer with health checks. Backends can be
 * removed when a test kills them; connections to a backend that refuses are retried on the next one.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Balancer {
  port: number;
  url: string;
  wsUrl: string;
  backends: number[];
  close(): Promise<void>;
}

export async function startBalancer(backends: number[]): Promise<Balancer> {
  let next = 0;
  const open = new Set<Socket>();
  const pick = (client: Socket, tries: number) => {
    if (tries >= balancer.backends.length || balancer.backends.length === 0) return client.destroy();
    const port = balancer.backends[next++ % balancer.backends.length]!;
    const upstream = connect(port, '127.0.0.1');
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      open.add(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
      client.on('error', () => upstream.destroy());
      upstream.on('close', () => {
        open.delete(upstream);
        client.destroy();
      });
      client.on('close', () => upstream.destroy());
    });
    upstream.on('error', () => {
      if (connected) client.destroy();
      else pick(client, tries + 1);
    });
  };
  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    pick(client, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const balancer: Balancer = {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/collab`,
    backends: [...backends],
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return balancer;
}
