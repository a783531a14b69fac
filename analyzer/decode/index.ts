/**
 * decode/: pure decoders from Frame bytes to Packet records, and IP reassembly.
 * Re-exports only; must not import capture/, analysis/ or any I/O module.
 */
export { decodeFrame, decodeReassembledDatagram, DecodeLimits } from './decode-frame.js';
export { decodeTcpHeader, TcpOptionKind } from './tcp.js';
export type { IssueSink } from './tcp.js';
export { createIpReassembler } from './ip-reassembler.js';
export type { IpReassembler, IpReassemblerOptions, IncompleteDatagram } from './ip-reassembler.js';
