/**
 * index.ts: the impairment toolkit, re-exported for scenarios and the CLI.
 * Re-exports only; must not import node I/O modules or cap.
 */
export { captureDrop, type CaptureDropOptions } from './capture-drop.js';
export { chain } from './chain.js';
export { delay, type DelayOptions } from './delay.js';
export { dropNth, dropWhere, type DropWhereOptions } from './drop-nth.js';
export { duplicate, type DuplicateOptions } from './duplicate.js';
export { gilbertElliott, type GilbertElliottOptions } from './gilbert-elliott.js';
export {
  createDetachedContext,
  createRng,
  deriveSeed,
  forkContext,
  type Datagram,
  type Direction,
  type ImpairAction,
  type ImpairContext,
  type ImpairDecision,
  type Impairment,
} from './impairment.js';
export { loss, type LossOptions } from './loss.js';
export { allOf, anyFrame, coversOffset, inConnection, isDataSegment, isFin, isRst, isSyn, isTcp, tcpPort, type Match, type MatchFn } from './match.js';
export { rate, type RateOptions } from './rate.js';
export {
  impairmentUsage,
  knownImpairments,
  parseImpairment,
  parseImpairments,
  registerImpairment,
  StageReader,
  type ImpairmentSyntax,
  type StageParser,
} from './registry.js';
export { reorder, type ReorderOptions } from './reorder.js';
export { formatImpairmentLog, parseImpairmentLog, RECORDING_VERSION, type ImpairmentRecording } from './recording.js';
export { createReplayCounter, replayDecisions, type ReplayCounter } from './replay.js';
export { createSegmentIdentifier, describeSegment, segmentKey, type SegmentIdentity } from './segment-identity.js';
export { only, sometimes } from './wrappers.js';
