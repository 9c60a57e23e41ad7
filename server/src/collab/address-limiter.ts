/**
 * [L7] Open sockets per remote address, so that one address cannot take every connection the server allows.
 * Addresses with no socket left are forgotten.
 */
export class AddressLimiter {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerAddress: number) {}

  /** Whether `address` already holds as many sockets as it may. */
  isFull(address: string): boolean {
    return (this.open.get(address) ?? 0) >= this.maxPerAddress;
  }

  /** A socket from `address` opened. */
  add(address: string): void {
    this.open.set(address, (this.open.get(address) ?? 0) + 1);
  }

  /** A socket from `address` closed. */
  remove(address: string): void {
    const left = (this.open.get(address) ?? 1) - 1;
    if (left > 0) this.open.set(address, left);
    else this.open.delete(address);
  }
}
