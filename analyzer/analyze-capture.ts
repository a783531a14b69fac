/**
 * analyze-capture.ts: the analyzer's entry point: a capture (file, stdin, stream or frames) in,
 * per-frame records, findings and conversation reports out. Reads files; no cap, no child_process.
 */
import type {
  Analysis,
  CaptureSummary,
  ConversationReport,
  Finding,
  FrameRecord,
  ParallelConnections,
  TlsSummary,
} from './analysis-result.js';
import type { TcpConversation } from './analysis/tcp/conversation.js';
import type { Conversation } from './analysis/tcp/conversation.js';
import type { TlsStreamSummary } from './analysis/tls/tls-analyzer.js';
import { cipherSuiteName } from './decode/tls/tls-cipher-suites.js';
import { readCapture } from './capture/open-capture.js';
import type { CaptureSource } from './capture/open-capture.js';
import { CaptureFormatError, ConfigError, isCaptureFormatError } from './errors.js';
import { findingsOf } from './findings.js';
import { createExpertTally } from './report/expert-tally.js';
import type { Frame } from './packet/frame.js';
import { createPipeline } from './pipeline.js';
import { KeyLogBuilder } from './keys/key-log.js';
import type { TlsKeyLog } from './keys/key-log.js';
import { SecretsType } from './capture/capture-format.js';
import type { CaptureInfo } from './capture/capture-parser.js';
import type { PipelineOptions, PipelineResult, PipelineStep } from './pipeline.js';
import { createFindingStore, type FindingSpill } from './core/finding-store.js';
import { buildFrameRecord } from './report/frame-record.js';
import type { MutableFrameRecord } from './report/frame-record.js';

/** Where frames come from: a path (`-` = stdin), a byte stream, or frames already in memory. */
export type CaptureInput = string | NodeJS.ReadableStream | Iterable<Frame> | AsyncIterable<Frame>;

/** Options of analyzeCapture. */
export interface AnalyzeOptions extends Omit<PipelineOptions, 'tlsKeyLog'> {
  /**
   * TLS secrets to decrypt with (e.g. parsed `--keylog` files). Secrets in the capture's Decryption Secrets
   * Blocks are used too unless `captureSecrets` is false.
   */
  readonly keyLog?: TlsKeyLog;
  /** Use the capture's own Decryption Secrets Blocks (default true). */
  readonly captureSecrets?: boolean;
  /** Name used in messages and in `Analysis.source` (default: the path, or "<stream>"). */
  readonly name?: string;
  /** Keep every per-frame record in `Analysis.frames` (default true; false keeps memory flat). */
  readonly keepFrames?: boolean;
  /** Keep every finding in `Analysis.findings` (default true); counts and the expert summary are always kept. */
  readonly keepFindings?: boolean;
  /** Where the kept findings' older blocks go, so memory stays flat (the CLI gives a temporary file). */
  readonly findingSpill?: FindingSpill;
  /**
   * Called with each per-frame record, in frame order. For a file path this reads the file twice (like
   * `tshark -2`) so each record has its stream's final completeness and memory stays proportional to
   * open flows. For standard input or a stream (without keepFrames) records are handed over as the
   * frames arrive, completeness null: the conversations' reports carry the final values.
   */
  readonly onFrame?: (record: FrameRecord) => void;
  /** Called with the byte count of each chunk read (a file read twice reports both passes), for progress bars. */
  readonly onRead?: (bytes: number) => void;
  /** Called every `progressEveryFrames` frames with the number of frames analysed so far. */
  readonly onProgress?: (frames: number) => void;
  readonly progressEveryFrames?: number;
  /**
   * Connections from one client to one server port that open within this window of each other and
   * are open at the same time count as parallel (default 1000 ms).
   */
  readonly parallelWindowMs?: number;
  /**
   * Only these tcp.streams: conversations, findings, expert counts and summary cover them alone. A
   * stream the capture does not have is a ConfigError naming the streams it has, raised before any
   * `onFrame` call.
   */
  readonly streams?: ReadonlySet<number>;
  readonly signal?: AbortSignal;
}

const DEFAULT_PARALLEL_WINDOW_MS = 1000;
const TLS13_VERSION = 0x0304;
/** Frames per batch taken from a synchronous iterable of frames. */
const SYNC_BATCH_FRAMES = 4096;

function sourceName(input: CaptureInput, options: AnalyzeOptions): string {
  if (options.name !== undefined) return options.name;
  if (typeof input === 'string') return input === '-' ? '<stdin>' : input;
  return '<frames>';
}

function isFrameIterable(input: CaptureInput): input is Iterable<Frame> | AsyncIterable<Frame> {
  if (typeof input === 'string') return false;
  // A Node Readable is async-iterable too, but it yields Buffers: tell them apart by `pipe`.
  return typeof (input as { pipe?: unknown }).pipe !== 'function';
}

/**
 * Frames in arrays, so the per-frame loop in runPass is synchronous: one `await` per batch instead
 * of one per frame through nested async generators (which cost ~16% of a whole analysis). A capture
 * (path, stream or readCapture source) yields one batch per chunk read; a sync iterable of frames
 * is cut into batches; another async iterable yields one-frame batches (it pays an await per frame
 * anyway).
 */
async function* batchesOf(
  input: CaptureInput,
  name: string,
  signal: AbortSignal | undefined,
  onInfo?: (info: CaptureInfo) => void,
  onRead?: (bytes: number) => void,
): AsyncIterable<readonly Frame[]> {
  if (isFrameIterable(input)) {
    const source = input as Partial<CaptureSource>;
    if (typeof source.batches === 'function') {
      // A readCapture() source handed in directly: take its batches too.
      for await (const batch of source.batches()) {
        if (onInfo !== undefined && source.info !== undefined) onInfo(source.info);
        yield batch;
      }
      return;
    }
    if (Symbol.iterator in input) {
      // Bounded batches: a generator of frames (a simulation) must not be materialised whole.
      let batch: Frame[] = [];
      for (const frame of input) {
        batch.push(frame);
        if (batch.length === SYNC_BATCH_FRAMES) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
      return;
    }
    for await (const frame of input) yield [frame];
    return;
  }
  const options = { name, ...(signal === undefined ? {} : { signal }), ...(onRead === undefined ? {} : { onRead }) };
  const source = readCapture(input as string | NodeJS.ReadableStream, options);
  for await (const batch of source.batches()) {
    // Blocks before a batch's frames were parsed with them: their secrets apply to those frames.
    onInfo?.(source.info);
    yield batch;
  }
}

/**
 * The stream's final tcp.completeness as the oracle reports it: the union of the two-pass values
 * over the stream's frames (spec §9: the first frame shows F, later ones F | X).
 */
function streamCompleteness(conversation: TcpConversation): number {
  const c = conversation as Conversation;
  return c.completeness | c.newFrameExtraBits;
}

/** One frame as the analysis saw it: the pipeline step and the frame's findings. */
export interface AnalyzedFrame {
  readonly step: PipelineStep;
  readonly findings: readonly Finding[];
}

/**
 * The push-style core every source goes through: push frames in file order as they arrive (a file,
 * a pipe, a live capture), get each frame's step and findings at once, and finish() for the
 * conversations, expert summary and findings. Synchronous; keeps memory per open flow plus the
 * compact findings.
 */
export interface AnalysisSession {
  push(frame: Frame): AnalyzedFrame;
  readonly frameCount: number;
  /** Adds key log text (a Decryption Secrets Block met while reading): handshakes after it decrypt. */
  addKeyLog(text: string, source: string): void;
  /** Ends the analysis; `readError` is the damage that stopped the source, when any. */
  finish(readError?: CaptureFormatError): CaptureSummary;
}

/** Options of createAnalysisSession (a subset of analyzeCapture's). */
export type AnalysisSessionOptions = Pick<
  AnalyzeOptions,
  'name' | 'keepFindings' | 'findingSpill' | 'parallelWindowMs' | 'streams' | 'tcp' | 'tls' | 'keyLog' | 'keepDecrypted'
>;

/**
 * Creates an incremental analysis.
 * @example
 * const session = createAnalysisSession({ name: 'live' });
 * for await (const frame of source) console.log(buildFrameRecord(session.push(frame).step, []).info);
 * const summary = session.finish();
 */
export function createAnalysisSession(options: AnalysisSessionOptions = {}): AnalysisSession {
  // One live key log: the given secrets, then those added while reading.
  const keys = new KeyLogBuilder();
  if (options.keyLog !== undefined) keys.addKeyLog(options.keyLog);
  const pipeline = createPipeline({ ...options, tlsKeyLog: keys });
  const keepFindings = options.keepFindings ?? true;
  const findingStore = createFindingStore(options.findingSpill);
  const expert = createExpertTally();
  const chosen = options.streams;
  let frameCount = 0;
  let finished: CaptureSummary | undefined;
  return {
    get frameCount() {
      return frameCount;
    },
    addKeyLog(text: string, source: string): void {
      keys.add(text, source);
    },
    push(frame: Frame): AnalyzedFrame {
      const step = pipeline.push(frame);
      frameCount++;
      const findings = findingsOf(step);
      for (let j = 0; j < findings.length; j++) {
        const f = findings[j]!;
        if (chosen !== undefined && (f.stream === undefined || !chosen.has(f.stream))) continue;
        expert.add(f);
        if (keepFindings) findingStore.push(f);
      }
      return { step, findings };
    },
    finish(readError?: CaptureFormatError): CaptureSummary {
      if (finished !== undefined) return finished;
      const result = pipeline.finish();
      const streams = result.tcp.conversations;
      // A stream the capture does not have is an error naming those it has (the CLI prints nothing before it).
      checkStreams(options.name ?? '<frames>', chosen, streams);
      const conversations = conversationReports(result, options.keepDecrypted === true).filter((c) => chosen === undefined || chosen.has(c.stream));
      const parallelWindowMs = options.parallelWindowMs ?? DEFAULT_PARALLEL_WINDOW_MS;
      const keyLogWarnings = keys.warnings.map((w) => `${w.source}:${w.line}: ${w.message}`);
      finished = {
        source: options.name ?? '<frames>',
        frameCount,
        conversations,
        parallelConnections: findParallelConnections(conversations, parallelWindowMs),
        parallelWindowMs,
        expertCounts: expert.counts,
        expertSummary: expert.rows(),
        readError,
        ...(keyLogWarnings.length === 0 ? {} : { keyLogWarnings }),
        findingStore,
        completenessOf(stream: number): number | undefined {
          const c = streams[stream];
          return c === undefined ? undefined : streamCompleteness(c);
        },
      };
      return finished;
    },
  };
}

/**
 * Analyses a capture in one pass, handing each frame to `onFrame` as it is analysed (records are
 * the caller's to build, for the frames it prints), and returns the summary. A capture damaged
 * part-way ends in `readError`, as with analyzeCapture.
 */
export async function analyzeFrames(
  input: CaptureInput,
  options: AnalysisSessionOptions & Pick<AnalyzeOptions, 'signal' | 'onRead' | 'onProgress' | 'progressEveryFrames' | 'captureSecrets'> = {},
  onFrame?: (frame: AnalyzedFrame) => void,
): Promise<CaptureSummary> {
  const name = sourceName(input, options);
  const session = createAnalysisSession({ ...options, name });
  const every = options.progressEveryFrames ?? 100_000;
  const onProgress = options.onProgress;
  let readError: CaptureFormatError | undefined;
  try {
    let secretsSeen = 0;
    const onInfo =
      options.captureSecrets === false
        ? undefined
        : (info: CaptureInfo): void => {
            const blocks = info.decryptionSecrets;
            for (; secretsSeen < blocks.length; secretsSeen++) {
              const block = blocks[secretsSeen]!;
              if (block.type === SecretsType.TlsKeyLog) {
                session.addKeyLog(block.data.toString('utf8'), `${name} (decryption secrets block ${secretsSeen + 1})`);
              }
            }
          };
    for await (const batch of batchesOf(input, name, options.signal, onInfo, options.onRead)) {
      // Synchronous inside a batch: one await per chunk read, not per frame.
      for (let i = 0; i < batch.length; i++) {
        const analyzed = session.push(batch[i]!);
        if (onFrame !== undefined) onFrame(analyzed);
        if (onProgress !== undefined && session.frameCount % every === 0) onProgress(session.frameCount);
      }
    }
  } catch (e) {
    if (!isCaptureFormatError(e)) throw e;
    readError = e;
  }
  return session.finish(readError);
}

interface PassOutput {
  readonly summary: CaptureSummary;
  readonly records: MutableFrameRecord[];
}

/**
 * One pass over the frames. With `emit`, records are built and handed over at once with the
 * completeness taken from `final` (a previous pass); otherwise they are collected when
 * `collect` is set and patched after the last frame.
 */
async function runPass(
  input: CaptureInput,
  options: AnalyzeOptions,
  collect: boolean,
  emit?: { final: CaptureSummary | undefined; onFrame: (record: FrameRecord) => void },
): Promise<PassOutput> {
  const records: MutableFrameRecord[] = [];
  const pendingStream: number[] = [];
  const summary = await analyzeFrames(input, options, ({ step, findings }) => {
    if (emit !== undefined) {
      const record = buildFrameRecord(step, findings);
      record.completeness = step.tcp === undefined || emit.final === undefined ? null : (emit.final.completenessOf(step.tcp.stream) ?? null);
      emit.onFrame(record);
    } else if (collect) {
      records.push(buildFrameRecord(step, findings));
      pendingStream.push(step.tcp === undefined ? -1 : step.tcp.stream);
    }
  });
  for (let i = 0; i < records.length; i++) {
    const stream = pendingStream[i]!;
    records[i]!.completeness = stream < 0 ? null : (summary.completenessOf(stream) ?? null);
  }
  return { summary, records };
}

function tlsSummaryOf(summary: TlsStreamSummary | undefined, keepDecrypted: boolean): TlsSummary | undefined {
  if (summary === undefined) return undefined;
  return {
    version: summary.versionName,
    cipherSuite: summary.cipherSuiteName,
    sni: summary.sni,
    // TLS 1.3 hides the server's choice in EncryptedExtensions: without keys only the offer is known.
    alpn:
      summary.alpnSelected !== undefined
        ? [summary.alpnSelected]
        : summary.version === TLS13_VERSION
          ? []
          : summary.alpnOffered,
    alpnOffered: summary.alpnOffered,
    suitesOffered: summary.suitesOffered.map((s) => cipherSuiteName(s)),
    resumed: summary.resumed,
    clientHelloFrame: summary.clientHelloFrame,
    serverHelloFrame: summary.serverHelloFrame,
    changeCipherSpecFrames: summary.changeCipherSpecFrames.filter((f): f is number => f !== undefined),
    encryptedHandshakeFrames: summary.encryptedHandshakeFrames.filter((f): f is number => f !== undefined),
    alerts: summary.alerts.map((a) => ({ frame: a.frame, level: a.level, desc: a.desc, text: a.text })),
    helloRetryRequest: summary.helloRetryRequestFrame !== undefined,
    decrypted: summary.decrypted,
    decryptionNotes: summary.decryptionNotes,
    requests: summary.requests.map((r) => ({ ...r })),
    ...(summary.firstDecryptedSide === undefined || !keepDecrypted
      ? {}
      : { decryptedData: { firstSide: summary.firstDecryptedSide, chunks: summary.decryptedChunks } }),
  };
}

function conversationReports(result: PipelineResult, keepDecrypted: boolean): ConversationReport[] {
  const tlsByStream = new Map<number, TlsStreamSummary>();
  for (const s of result.tls) tlsByStream.set(s.stream, s);
  return result.tcp.conversations.map((c): ConversationReport => {
    const client = c.client;
    const server = client === 0 ? 1 : 0;
    const cs = c.directions[client];
    const sc = c.directions[server];
    const teardownFrames = [c.teardown.finFrames[0], c.teardown.finFrames[1], c.teardown.rstFrame ?? 0]
      .filter((f) => f > 0)
      .sort((a, b) => a - b);
    return {
      stream: c.stream,
      client: { address: c.endpoints[client].address, port: c.endpoints[client].port },
      server: { address: c.endpoints[server].address, port: c.endpoints[server].port },
      firstFrame: c.firstFrame,
      lastFrame: c.lastFrame,
      startNs: c.startTimestampNs,
      endNs: c.endTimestampNs,
      completeness: streamCompleteness(c),
      handshake: {
        synFrame: c.handshake.synFrame,
        synAckFrame: c.handshake.synAckFrame,
        ackFrame: c.handshake.ackFrame,
        rttNs: c.handshake.rttNs,
        complete: c.handshake.complete,
      },
      teardown: c.teardown.kind,
      teardownFrames,
      bytes: [cs.bytes, sc.bytes],
      segments: [cs.segments, sc.segments],
      retransmissions: [
        cs.retransmissions + cs.fastRetransmissions + cs.spuriousRetransmissions,
        sc.retransmissions + sc.fastRetransmissions + sc.spuriousRetransmissions,
      ],
      tls: tlsSummaryOf(tlsByStream.get(c.stream), keepDecrypted),
    };
  });
}

/**
 * Finds connections one client opened to the same server port within `windowMs` of each other and
 * open at the same time (a browser's parallel or speculative connections): each member starts
 * before an earlier member has ended, so back-to-back connections are never a group. A stream is
 * idle when it carried under a tenth of the busiest sibling's payload and ended before it.
 */
export function findParallelConnections(
  conversations: readonly ConversationReport[],
  windowMs: number = DEFAULT_PARALLEL_WINDOW_MS,
): ParallelConnections[] {
  const windowNs = BigInt(Math.round(windowMs * 1e6));
  const groups = new Map<string, ConversationReport[]>();
  for (const c of conversations) {
    if (c.handshake.synFrame === undefined) continue;
    const key = `${c.client.address}|${c.server.address}|${c.server.port}`;
    let list = groups.get(key);
    if (list === undefined) groups.set(key, (list = []));
    list.push(c);
  }
  const out: ParallelConnections[] = [];
  for (const unsorted of groups.values()) {
    const list = [...unsorted].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : a.stream - b.stream));
    let start = 0;
    while (start < list.length) {
      let end = start + 1;
      let openUntilNs = list[start]!.endNs;
      while (end < list.length) {
        const next = list[end]!;
        if (next.startNs - list[start]!.startNs > windowNs || next.startNs >= openUntilNs) break;
        if (next.endNs > openUntilNs) openUntilNs = next.endNs;
        end++;
      }
      if (end - start >= 2) {
        const members = list.slice(start, end);
        const payload = (c: ConversationReport): number => c.bytes[0] + c.bytes[1];
        const busiest = members.reduce((a, b) => (payload(b) > payload(a) ? b : a));
        const idle = members.filter(
          (c) => c !== busiest && payload(c) * 10 < payload(busiest) && c.endNs < busiest.endNs,
        );
        out.push({
          client: members[0]!.client.address,
          server: `${members[0]!.server.address}:${members[0]!.server.port}`,
          streams: members.map((c) => c.stream),
          idleStreams: idle.map((c) => c.stream),
        });
      }
      start = end;
    }
  }
  return out;
}

/** "0–4, 7, 9": the numbers as ranges. */
function formatStreamList(streams: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < streams.length; ) {
    let j = i;
    while (j + 1 < streams.length && streams[j + 1] === streams[j]! + 1) j++;
    parts.push(j === i ? `${streams[i]}` : j === i + 1 ? `${streams[i]}, ${streams[j]}` : `${streams[i]}–${streams[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** Throws a ConfigError when a chosen stream is not among the capture's conversations. */
function checkStreams(name: string, wanted: ReadonlySet<number> | undefined, conversations: readonly TcpConversation[]): void {
  if (wanted === undefined) return;
  const missing = [...wanted].filter((s) => s < 0 || s >= conversations.length || conversations[s]!.stream !== s).sort((a, b) => a - b);
  if (missing.length === 0) return;
  const have = conversations.map((c) => c.stream);
  const which = missing.length === 1 ? `tcp.stream ${missing[0]}` : `tcp.streams ${formatStreamList(missing)}`;
  throw new ConfigError(
    have.length === 0
      ? `${name}: no ${which}: the capture has no TCP streams`
      : `${name}: no ${which}: the capture has tcp.stream ${formatStreamList(have)}`,
  );
}

/**
 * Analyses a capture: decodes every frame, runs Wireshark-compatible TCP analysis and TLS record
 * analysis, and returns per-frame records, findings and conversation reports. A capture damaged
 * part-way is analysed up to the damage and the error is returned in `readError`.
 * @example
 * import { analyzeCapture } from 'wirelab/analyzer';
 * const analysis = await analyzeCapture('trace.pcapng');
 * console.log(analysis.expertCounts['tcp.analysis.fast_retransmission'] ?? 0);
 */
export async function analyzeCapture(input: CaptureInput, options: AnalyzeOptions = {}): Promise<Analysis> {
  const name = sourceName(input, options);
  const window = options.parallelWindowMs;
  if (window !== undefined && (!Number.isFinite(window) || window < 0)) {
    throw new ConfigError(`parallel window: expected a number of ms ≥ 0 (got ${window})`);
  }
  const keepFrames = options.keepFrames ?? true;
  const onFrame = options.onFrame;
  const named = { ...options, name };
  let pass: PassOutput;
  if (onFrame !== undefined && typeof input === 'string' && input !== '-' && !keepFrames) {
    // tshark -2 style: the first pass learns each stream's final completeness, the second emits.
    const first = await runPass(input, { ...named, keepFindings: false }, false);
    pass = await runPass(input, named, false, { final: first.summary, onFrame });
  } else if (onFrame !== undefined && !keepFrames) {
    // A pipe cannot be read twice: each record goes out as its frame arrives (live, like tshark
    // without -2), with completeness null; each conversation's report carries the final value.
    pass = await runPass(input, named, false, { final: undefined, onFrame });
  } else {
    pass = await runPass(input, named, keepFrames || onFrame !== undefined);
    if (onFrame !== undefined) for (const record of pass.records) onFrame(record);
  }
  const s = pass.summary;
  return {
    source: s.source,
    frameCount: s.frameCount,
    frames: keepFrames ? pass.records : [],
    findings: [...s.findingStore],
    conversations: s.conversations,
    parallelConnections: s.parallelConnections,
    parallelWindowMs: s.parallelWindowMs,
    expertCounts: s.expertCounts,
    expertSummary: s.expertSummary,
    readError: s.readError,
    ...(s.keyLogWarnings === undefined ? {} : { keyLogWarnings: s.keyLogWarnings }),
  };
}
