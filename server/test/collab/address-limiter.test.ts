import { describe, expect, it } from 'vitest';
import { AddressLimiter } from '../../src/collab/address-limiter.js';

describe('AddressLimiter', () => {
  it('[L7] an address is full at its maximum of open sockets, per address, and forgotten once it has none', () => {
    const limiter = new AddressLimiter(2);
    limiter.add('10.0.0.1');
    expect(limiter.isFull('10.0.0.1')).toBe(false);
    limiter.add('10.0.0.1');
    expect(limiter.isFull('10.0.0.1')).toBe(true);
    expect(limiter.isFull('10.0.0.2')).toBe(false);
    limiter.remove('10.0.0.1');
    expect(limiter.isFull('10.0.0.1')).toBe(false);
    limiter.remove('10.0.0.1');
    // A close with nothing counted does not go below zero.
    limiter.remove('10.0.0.1');
    limiter.add('10.0.0.1');
    limiter.add('10.0.0.1');
    expect(limiter.isFull('10.0.0.1')).toBe(true);
  });
});
