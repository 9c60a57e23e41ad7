import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/** Decides which peers are trusted reverse proxies (compiled once from `TRUST_PROXY`). */
export type ProxyTrust = (address: string, hop: number) => boolean;

/**
 * Compiles `TRUST_PROXY`: comma-separated addresses, CIDR ranges, or proxy-addr's names `loopback`,
 * `linklocal`, `uniquelocal`. Empty trusts nobody: `X-Forwarded-For` is then never read. Throws on a
 * value that is not one of these (config turns that into a start-up error naming the variable).
 */
export function compileProxyTrust(value: string): ProxyTrust {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return proxyAddr.compile(entries);
}

/**
 * The client's address: the TCP peer's, unless that peer is a trusted proxy — then the nearest address in
 * `X-Forwarded-For` that is not itself a trusted proxy (so a client cannot pick its own address by sending
 * the header: what an untrusted peer says is never read).
 */
export function clientAddress(request: IncomingMessage, trust: ProxyTrust): string {
  if (!request.socket.remoteAddress) return 'unknown';
  return proxyAddr(request, trust);
}
