import { describe, expect, it } from 'vitest';
import { whileCorked, type PeerSocket } from '../../src/rooms/connection.js';

/** A socket that logs what happens to it, in order. */
function loggingSocket(name: string, log: string[], options: { open?: boolean; corks?: boolean } = {}): PeerSocket {
  const socket: PeerSocket = {
    isOpen: options.open ?? true,
    send: (data) => log.push(`${name} send ${data[0]}`),
    close: () => log.push(`${name} close`),
  };
  if (options.corks ?? true) {
    socket.cork = () => log.push(`${name} cork`);
    socket.uncork = () => log.push(`${name} uncork`);
  }
  return socket;
}

describe('whileCorked [RL4]', () => {
  it('corks the open sockets that can cork around the writes, and uncorks each of them after', () => {
    const log: string[] = [];
    const a = loggingSocket('a', log);
    const closed = loggingSocket('closed', log, { open: false });
    const plain = loggingSocket('plain', log, { corks: false });
    whileCorked([{ socket: a }, { socket: closed }, { socket: plain }], () => {
      a.send(new Uint8Array([1]));
      plain.send(new Uint8Array([2]));
    });
    expect(log).toEqual(['a cork', 'a send 1', 'plain send 2', 'a uncork']);
  });

  it('uncorks even when the writes throw, and lets the error through', () => {
    const log: string[] = [];
    const a = loggingSocket('a', log);
    expect(() =>
      whileCorked([{ socket: a }], () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(log).toEqual(['a cork', 'a uncork']);
  });
});
