/**
 * capture-format.ts: the numbers of the pcap and pcapng file formats, shared by readers and writers.
 * Pure constants; must not import anything (not even node builtins).
 */

/** Classic pcap magic numbers, as read in the file's own byte order (libpcap `pcap-savefile(5)`). */
export const PcapMagic = {
  Microseconds: 0xa1b2c3d4,
  Nanoseconds: 0xa1b23c4d,
} as const;
export type PcapMagic = (typeof PcapMagic)[keyof typeof PcapMagic];

/** pcapng block types (draft-ietf-opsawg-pcapng §11.1). */
export const PcapngBlockType = {
  SectionHeader: 0x0a0d0d0a,
  InterfaceDescription: 0x00000001,
  /** Obsolete Packet Block, still written by old tools. */
  Packet: 0x00000002,
  SimplePacket: 0x00000003,
  NameResolution: 0x00000004,
  InterfaceStatistics: 0x00000005,
  EnhancedPacket: 0x00000006,
  DecryptionSecrets: 0x0000000a,
} as const;
export type PcapngBlockType = (typeof PcapngBlockType)[keyof typeof PcapngBlockType];

/** pcapng option codes we read or write (draft-ietf-opsawg-pcapng §4.2). */
export const PcapngOption = {
  EndOfOptions: 0,
  ShbUserApplication: 4,
  IfName: 2,
  IfTsResolution: 9,
  IfTsOffset: 14,
} as const;

/** The Section Header Block's byte-order magic, as written by a writer of either byte order. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Decryption Secrets Block secrets types (draft-ietf-opsawg-pcapng §4.7). */
export const SecretsType = {
  /** NSS key log lines, the SSLKEYLOGFILE format. */
  TlsKeyLog: 0x544c534b,
  WireGuardKeyLog: 0x57474b4c,
  ZigbeeNwkKey: 0x5a4e574b,
  ZigbeeApsKey: 0x5a415053,
} as const;

/** The pcap magics as a big-endian read sees them in a little-endian file. */
export const PCAP_MICRO_SWAPPED = 0xd4c3b2a1;
export const PCAP_NANO_SWAPPED = 0x4d3cb2a1;

/** The link type in a pcap header's last word: its top six bits carry FCS information (FCS length, R, P). */
export const PCAP_LINK_TYPE_MASK = 0x03ff_ffff;

/** Size of the classic pcap file header and of each record header. */
export const PCAP_FILE_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;

/**
 * The smallest per-record limit on captured bytes in classic pcap. Wireshark's standard maximum
 * (WTAP_MAX_PACKET_SIZE_STANDARD); a larger snaplen raises the limit up to {@link MAX_PCAPNG_BLOCK_BYTES}.
 */
export const MIN_PCAP_RECORD_LIMIT_BYTES = 262_144;

/** Largest pcapng block we accept; anything bigger is treated as a corrupt length field. */
export const MAX_PCAPNG_BLOCK_BYTES = 16 * 1024 * 1024;

/** The most captured bytes a classic pcap record may claim, given the header's snap length. */
export function recordLimitForSnapLen(snapLen: number): number {
  return Math.max(MIN_PCAP_RECORD_LIMIT_BYTES, Math.min(snapLen, MAX_PCAPNG_BLOCK_BYTES));
}

/** Snap length writers put in headers unless told otherwise (tcpdump's default). */
export const DEFAULT_SNAP_LEN = 262_144;
