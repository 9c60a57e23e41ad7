/** Bounds-checked big- and little-endian reads for the image walkers: running past the end means truncated. */
export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    private readonly onTruncated: () => Error,
  ) {}

  get length(): number {
    return this.bytes.length;
  }

  /** Throws the truncation error unless `count` bytes exist at `at`. */
  need(at: number, count: number): void {
    if (at < 0 || count < 0 || at + count > this.bytes.length) throw this.onTruncated();
  }

  u8(at: number): number {
    this.need(at, 1);
    return this.bytes[at]!;
  }

  u16be(at: number): number {
    this.need(at, 2);
    return (this.bytes[at]! << 8) | this.bytes[at + 1]!;
  }

  u16le(at: number): number {
    this.need(at, 2);
    return this.bytes[at]! | (this.bytes[at + 1]! << 8);
  }

  u24le(at: number): number {
    this.need(at, 3);
    return this.bytes[at]! | (this.bytes[at + 1]! << 8) | (this.bytes[at + 2]! << 16);
  }

  u32be(at: number): number {
    this.need(at, 4);
    return ((this.bytes[at]! << 24) >>> 0) + ((this.bytes[at + 1]! << 16) | (this.bytes[at + 2]! << 8) | this.bytes[at + 3]!);
  }

  u32le(at: number): number {
    this.need(at, 4);
    return ((this.bytes[at + 3]! << 24) >>> 0) + ((this.bytes[at + 2]! << 16) | (this.bytes[at + 1]! << 8) | this.bytes[at]!);
  }

  /** The bytes at `at` as Latin-1 text (chunk names, signatures). */
  ascii(at: number, count: number): string {
    this.need(at, count);
    return String.fromCharCode(...this.bytes.subarray(at, at + count));
  }
}
