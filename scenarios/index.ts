/**
 * scenarios/index.ts: every bundled scenario, in the order `wirelab list` shows them.
 * Must not import the CLI.
 */
import type { Scenario } from '../harness/scenario/define-scenario.js';
import browserPageLoad from './browser-page-load.scenario.js';
import browserPageLoadH2 from './browser-page-load-h2.scenario.js';
import captureLoss from './capture-loss.scenario.js';
import dualConnections from './dual-connections.scenario.js';
import duplicateAck from './duplicate-ack.scenario.js';
import fastRetransmission from './fast-retransmission.scenario.js';
import labReport from './lab-report.scenario.js';
import mediaTransfer from './media-transfer.scenario.js';
import outOfOrder from './out-of-order.scenario.js';
import redundantPackets from './redundant-packets.scenario.js';
import rstAbort from './rst-abort.scenario.js';
import tcpHandshake from './tcp-handshake.scenario.js';
import teardownFin from './teardown-fin.scenario.js';
import teardownFinRst from './teardown-fin-rst.scenario.js';
import tls12Handshake from './tls12-handshake.scenario.js';
import tls13Handshake from './tls13-handshake.scenario.js';
import zeroWindow from './zero-window.scenario.js';

/** The bundled scenarios by name. */
export const scenarios: readonly Scenario[] = [
  tcpHandshake,
  tls12Handshake,
  tls13Handshake,
  mediaTransfer,
  fastRetransmission,
  outOfOrder,
  duplicateAck,
  redundantPackets,
  captureLoss,
  teardownFin,
  teardownFinRst,
  rstAbort,
  dualConnections,
  zeroWindow,
  labReport,
  // Drives Debian's Chromium; `scenarioEnvironmentProblem` says when it cannot run here.
  browserPageLoad,
  browserPageLoadH2,
];

/** The scenario called `name`, or undefined. */
export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((s) => s.name === name);
}
