/**
 * frame.ts: the captured-frame record every source (file, live capture, simulation) yields.
 * Pure types and constants; no I/O.
 */

/** LINKTYPE_* values from the tcpdump link-type registry (the numbers pcap and pcapng store). */
export const LinkType = {
  Null: 0, // BSD loopback: 4-byte address family in host byte order
  Ethernet: 1,
  Ppp: 9,
  Raw: 101, // raw IPv4/IPv6, version nibble decides
  RawDlt12: 12, // DLT_RAW's value on most platforms, found in old files: raw IP
  RawDlt14: 14, // DLT_RAW on OpenBSD: raw IP
  AtmClipDlt16: 16, // Linux ATM Classical IP (its DLT values 16, 18 and 19 in old files): raw IP
  AtmClipDlt18: 18,
  AtmClipDlt19: 19,
  AtmClip: 106, // LINKTYPE_ATM_CLIP: raw IP
  CiscoHdlc: 104,
  Ieee80211: 105,
  Loop: 108, // OpenBSD loopback: 4-byte address family in network byte order
  LinuxSll: 113,
  Radiotap: 127,
  PppHdlc: 50, // PPP in HDLC-like framing (DLT_PPP_SERIAL)
  PppWithDirection: 204,
  Ipv4: 228,
  Ipv6: 229,
  LinuxSll2: 276,
} as const;
export type LinkType = (typeof LinkType)[keyof typeof LinkType];

/**
 * One captured frame. Nothing writes to `data` after the frame is made: readers hand over a view
 * into a chunk they never reuse (or a private copy), live capture copies out of cap's shared buffer.
 * Keeping a frame keeps its chunk alive; copy `data` to keep a frame for long.
 */
export interface Frame {
  /** 1-based, the same as Wireshark's frame.number. */
  readonly index: number;
  /** Capture time in ns since the Unix epoch; exact for pcap µs/ns and pcapng if_tsresol/if_tsoffset. */
  readonly timestampNs: bigint;
  /** LINKTYPE_* of the interface the frame was captured on (any number; unknown ones stay undecoded). */
  readonly linkType: number;
  /** Length on the wire; data.length is the captured length (smaller when the snaplen cut it). */
  readonly originalLength: number;
  /** The captured bytes. */
  readonly data: Buffer;
  /** pcapng interface id; 0 for classic pcap and live captures. */
  readonly interfaceId: number;
}
