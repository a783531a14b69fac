/**
 * pipeline.ts: the one per-frame path every source takes: decode → IP reassembly → TCP analysis → TLS.
 * Pure and synchronous (a fold over frames in file order); no I/O, no cap, no child_process.
 */
import { createTcpAnalyzer } from './analysis/tcp/tcp-analyzer.js';
import type { TcpAnalyzerOptions, TcpFrameAnalysis, TcpSummary } from './analysis/tcp/tcp-analyzer.js';
import { createTlsAnalyzer } from './analysis/tls/tls-analyzer.js';
import type { TlsFrameInfo, TlsStreamSummary } from './analysis/tls/tls-analyzer.js';
import { toTlsSegmentInput } from './analysis/tls/tls-segment-input.js';
import type { TlsKeyLog } from './keys/key-log.js';
import { decodeFrame } from './decode/decode-frame.js';
import { createIpReassembler } from './decode/ip-reassembler.js';
import type { IncompleteDatagram } from './decode/ip-reassembler.js';
import type { Frame } from './packet/frame.js';
import type { Packet } from './packet/packet.js';

/** Options of the per-frame pipeline. */
export interface PipelineOptions {
  /** TCP analysis thresholds (Wireshark 4.0 defaults). */
  readonly tcp?: TcpAnalyzerOptions;
  /** Run the TLS analysis (default true). */
  readonly tls?: boolean;
  /** TLS secrets to decrypt with (a live object; see TlsAnalyzerOptions.keyLog). */
  readonly tlsKeyLog?: TlsKeyLog;
  /** Keep decrypted application bytes for `--follow` (default false). */
  readonly keepDecrypted?: boolean;
}

/** What the pipeline found in one frame. */
export interface PipelineStep {
  readonly packet: Packet;
  /** TCP analysis, for TCP segments (and TCP quoted in ICMP errors). */
  readonly tcp: TcpFrameAnalysis | undefined;
  /** TLS records completed in this frame, as tshark shows them. */
  readonly tls: TlsFrameInfo | null;
}

/** Final state after the last frame. */
export interface PipelineResult {
  readonly tcp: TcpSummary;
  readonly tls: readonly TlsStreamSummary[];
  /** IP datagrams whose fragments never all arrived. */
  readonly incompleteDatagrams: readonly IncompleteDatagram[];
}

/** A stateful pipeline: push frames in file order, then finish(). */
export interface Pipeline {
  push(frame: Frame): PipelineStep;
  finish(): PipelineResult;
}

/**
 * Creates the decode → reassembly → TCP → TLS pipeline.
 * @example
 * const pipeline = createPipeline();
 * for (const frame of frames) console.log(pipeline.push(frame).tcp?.flagNames());
 * const { tcp } = pipeline.finish();
 */
export function createPipeline(options: PipelineOptions = {}): Pipeline {
  const reassembler = createIpReassembler();
  const tcpAnalyzer = createTcpAnalyzer(options.tcp);
  const tlsOptions = {
    ...(options.tlsKeyLog === undefined ? {} : { keyLog: options.tlsKeyLog }),
    ...(options.keepDecrypted === undefined ? {} : { keepDecrypted: options.keepDecrypted }),
  };
  const tlsAnalyzer = options.tls === false ? undefined : createTlsAnalyzer(tlsOptions);
  return {
    push(frame: Frame): PipelineStep {
      const packet = reassembler.push(decodeFrame(frame));
      const tcp = tcpAnalyzer.push(packet);
      let tls: TlsFrameInfo | null = null;
      if (tlsAnalyzer !== undefined && tcp !== undefined) {
        const input = toTlsSegmentInput(packet, tcp);
        if (input !== undefined) tls = tlsAnalyzer.push(input);
      }
      return { packet, tcp, tls };
    },
    finish(): PipelineResult {
      return {
        tcp: tcpAnalyzer.finish(),
        tls: tlsAnalyzer?.summarize() ?? [],
        incompleteDatagrams: reassembler.flush(),
      };
    },
  };
}
