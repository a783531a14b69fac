/**
 * header-views.ts: lazy header records for the hot path (Ethernet, IPv4, IPv6, TCP, UDP).
 * Pure; imports only packet/ types. Must not import capture/, analysis/ or node I/O modules.
 */
import type {
  EthernetHeader,
  Ipv4Header,
  Ipv6Header,
  TcpHeader,
  TcpOptions,
  UdpHeader,
} from '../packet/packet.js';

// Each view keeps offsets into one buffer and makes `bytes`, `payload`, `src` and `dst` on demand:
// decodeFrame runs millions of times per second, and most consumers read only a few fields, so
// creating every subarray eagerly would dominate the cost. Each access returns a fresh view of
// the same memory; nothing is copied.

// Buffer#subarray looks up Symbol.species on every call, which doubles its cost; constructing the
// species (Node's FastBuffer, a real Buffer) directly keeps a view cheap.
const FastBuffer = (Buffer as unknown as { [Symbol.species]: new (ab: ArrayBufferLike, offset: number, length: number) => Buffer })[
  Symbol.species
];

/**
 * `buf.subarray(start, end)` for integer offsets ≥ 0 (clamped the same way), without the species
 * lookup: the decoder's and the views' hot-path way to make a view.
 */
export function viewOf(buf: Buffer, start: number, end: number): Buffer {
  const len = buf.length;
  if (end > len) end = len;
  if (start > end) start = end;
  return new FastBuffer(buf.buffer, buf.byteOffset + start, end - start);
}

/** An Ethernet II header plus its VLAN tags; `bytes` covers both. */
export class EthernetView implements EthernetHeader {
  readonly kind = 'ethernet' as const;
  constructor(
    private readonly buf: Buffer,
    private readonly start: number,
    private readonly headerEnd: number,
    private readonly payloadEnd: number,
    readonly etherType: number,
    readonly vlanIds: readonly number[],
  ) {}
  /** Destination MAC, a 6-byte view. */
  get dst(): Buffer {
    return viewOf(this.buf, this.start, this.start + 6);
  }
  /** Source MAC, a 6-byte view. */
  get src(): Buffer {
    return viewOf(this.buf, this.start + 6, this.start + 12);
  }
  /** Header and VLAN tag bytes. */
  get bytes(): Buffer {
    return viewOf(this.buf, this.start, this.headerEnd);
  }
  /** Everything after the last tag. */
  get payload(): Buffer {
    return viewOf(this.buf, this.headerEnd, this.payloadEnd);
  }
}

/** An IPv4 header; `payload` is bounded by the total length and the captured bytes. */
export class Ipv4View implements Ipv4Header {
  readonly version = 4 as const;
  /**
   * @param buf The buffer holding the header; with `start`, lets hot-path readers (the TCP
   *   conversation lookup) read the addresses in place, at `start + 12` and `start + 16`,
   *   without the Buffer view `src`/`dst` allocate.
   */
  constructor(
    readonly buf: Buffer,
    readonly start: number,
    readonly headerLength: number,
    private readonly payloadEnd: number,
    readonly totalLength: number,
    readonly identification: number,
    readonly ttl: number,
    readonly protocol: number,
    readonly dontFragment: boolean,
    readonly moreFragments: boolean,
    readonly fragmentOffset: number,
    readonly payloadLength: number,
  ) {}
  /** Source address, a 4-byte view. */
  get src(): Buffer {
    return viewOf(this.buf, this.start + 12, this.start + 16);
  }
  /** Destination address, a 4-byte view. */
  get dst(): Buffer {
    return viewOf(this.buf, this.start + 16, this.start + 20);
  }
  /** Header bytes including options. */
  get bytes(): Buffer {
    return viewOf(this.buf, this.start, this.start + this.headerLength);
  }
  /** The carried datagram part (without Ethernet padding). */
  get payload(): Buffer {
    return viewOf(this.buf, this.start + this.headerLength, this.payloadEnd);
  }
}

/** IPv6 fragment header fields. */
export interface Ipv6FragmentInfo {
  readonly offset: number;
  readonly moreFragments: boolean;
  readonly identification: number;
}

/** An IPv6 header with its extension headers; `bytes` covers both. */
export class Ipv6View implements Ipv6Header {
  readonly version = 6 as const;
  // `declare` so the field does not exist at all (not even as undefined) on unfragmented datagrams.
  declare readonly fragment?: Ipv6FragmentInfo;
  /**
   * @param buf The buffer holding the header; with `start`, lets hot-path readers read the
   *   addresses in place, at `start + 8` and `start + 24`, without allocating views.
   */
  constructor(
    readonly buf: Buffer,
    readonly start: number,
    private readonly headerEnd: number,
    private readonly payloadEnd: number,
    readonly trafficClass: number,
    readonly flowLabel: number,
    readonly hopLimit: number,
    readonly protocol: number,
    readonly extensionHeaders: readonly number[],
    readonly payloadLength: number,
    fragment: Ipv6FragmentInfo | undefined,
  ) {
    if (fragment !== undefined) this.fragment = fragment;
  }
  /** Source address, a 16-byte view. */
  get src(): Buffer {
    return viewOf(this.buf, this.start + 8, this.start + 24);
  }
  /** Destination address, a 16-byte view. */
  get dst(): Buffer {
    return viewOf(this.buf, this.start + 24, this.start + 40);
  }
  /** Fixed header plus extension headers. */
  get bytes(): Buffer {
    return viewOf(this.buf, this.start, this.headerEnd);
  }
  /** The upper-layer payload (for a fragment: the bytes after the fragment header). */
  get payload(): Buffer {
    return viewOf(this.buf, this.headerEnd, this.payloadEnd);
  }
}

/** A TCP header. */
export class TcpView implements TcpHeader {
  constructor(
    private readonly buf: Buffer,
    private readonly start: number,
    private readonly headerEnd: number,
    private readonly payloadEnd: number,
    readonly srcPort: number,
    readonly dstPort: number,
    readonly seq: number,
    readonly ack: number,
    readonly headerLength: number,
    readonly flags: number,
    readonly windowRaw: number,
    readonly checksum: number,
    readonly urgentPointer: number,
    readonly options: TcpOptions,
    readonly segmentLength: number,
  ) {}
  /** Header bytes including options (shorter than headerLength when the capture cut it). */
  get bytes(): Buffer {
    return viewOf(this.buf, this.start, this.headerEnd);
  }
  /** Captured header bytes, without making the `bytes` view. */
  get capturedHeaderLength(): number {
    return this.headerEnd - this.start;
  }
  /** Length of the captured segment data, without making the `payload` view. */
  get payloadLength(): number {
    const end = this.payloadEnd < this.buf.length ? this.payloadEnd : this.buf.length;
    return end > this.headerEnd ? end - this.headerEnd : 0;
  }
  /** Captured segment data. */
  get payload(): Buffer {
    return viewOf(this.buf, this.headerEnd, this.payloadEnd);
  }
}

/** A UDP header. */
export class UdpView implements UdpHeader {
  constructor(
    private readonly buf: Buffer,
    private readonly start: number,
    private readonly payloadEnd: number,
    readonly srcPort: number,
    readonly dstPort: number,
    readonly length: number,
    readonly checksum: number,
  ) {}
  /** The 8 header bytes. */
  get bytes(): Buffer {
    return viewOf(this.buf, this.start, this.start + 8);
  }
  /** Captured datagram data. */
  get payload(): Buffer {
    return viewOf(this.buf, this.start + 8, this.payloadEnd);
  }
}
