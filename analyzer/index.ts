/**
 * wirelab/analyzer: read pcap/pcapng captures, decode them down to TLS, and flag TCP exactly as
 * Wireshark 4.0 does. Pure library: no cap, no child_process, no network.
 *
 * @example
 * import { analyzeCapture } from 'wirelab/analyzer';
 * const analysis = await analyzeCapture('trace.pcapng');
 * for (const c of analysis.conversations) console.log(c.stream, c.teardown, c.tls?.version);
 */
export { analyzeCapture, findParallelConnections } from './analyze-capture.js';
export type { AnalyzeOptions, CaptureInput } from './analyze-capture.js';
export type {
  Analysis,
  ConversationReport,
  Finding,
  FrameRecord,
  ParallelConnections,
  Teardown,
  TlsFrameRecord,
  TlsSummary,
  HttpRequestSummary,
} from './analysis-result.js';
export { createPipeline } from './pipeline.js';
export type { Pipeline, PipelineOptions, PipelineResult, PipelineStep } from './pipeline.js';
export { Expert, isExpertId, normalizeFlagId, renderExpertSummary, renderInfoTags, shortFlagName } from './analysis/expert.js';
export type { ExpertId, ExpertInfo, ExpertSeverity } from './analysis/expert.js';
export { createTcpAnalyzer, analyzeTcp } from './analysis/tcp/tcp-analyzer.js';
export type { TcpAnalyzer, TcpAnalyzerOptions, TcpFrameAnalysis, TcpSummary } from './analysis/tcp/tcp-analyzer.js';
export type { TcpConversation } from './analysis/tcp/conversation.js';
export { listTcpAnalysisFlags, TcpAnalysisFlag } from './analysis/tcp/analysis-flag.js';
export { createTlsAnalyzer } from './analysis/tls/tls-analyzer.js';
export type { TlsAnalyzerOptions } from './analysis/tls/tls-analyzer.js';
export { KeyLogBuilder, mergeKeyLogs, parseKeyLog } from './keys/key-log.js';
export type { KeyLogWarning, SessionSecrets, TlsKeyLog } from './keys/key-log.js';
export { HpackDecoder, HpackError, huffmanDecode } from './decode/http/hpack.js';
export type { HttpFrameFields, Http2FrameFields, FollowChunk } from './analysis/tls/app-data.js';
export type { TlsAnalyzer, TlsFrameInfo, TlsSegmentInput, TlsStreamSummary } from './analysis/tls/tls-analyzer.js';
export { decodeFrame } from './decode/decode-frame.js';
export { createIpReassembler } from './decode/ip-reassembler.js';
export * from './capture/index.js';
export * from './packet/frame.js';
export * from './packet/packet.js';
export * from './packet/seq.js';
export * from './errors.js';
export { formatTextReport, formatPacketLine, formatConversation, formatExpertSummary } from './report/text.js';
export { toJsonReport } from './report/json.js';
