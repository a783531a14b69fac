import { expect } from 'chai';
import { join } from 'node:path';
import { analyzeCapture } from '../../../../analyzer/analyze-capture.js';
import type { ImpairDecision } from '../../../../harness/impair/impairment.js';
import { formatPacketTimeline, type ChainPosition } from '../../../../harness/scenario/packet-timeline.js';

const CAPTURE = join(import.meta.dirname, '../../../fixtures/captures/kernel/02_lost_fast_retrans.pcap');

describe('formatPacketTimeline', () => {
  it('puts a drop on the frame a server-side capture saw before the proxy dropped it, and shows stream and client port', async () => {
    const analysis = await analyzeCapture(CAPTURE);
    const first = analysis.frames[0]!;
    const client = first.src!;
    // Number each direction's frames as the proxy's chains would; downlink frame 5 is the dropped one.
    const counts = { uplink: 0, downlink: 0 };
    const positions: ChainPosition[] = analysis.frames.map((f) => {
      const direction = f.src === client ? 'uplink' : 'downlink';
      return { direction, chainFrame: ++counts[direction] };
    });
    const dropped = positions.findIndex((p) => p.direction === 'downlink' && p.chainFrame === 5) + 1;
    const decisions: ImpairDecision[] = [
      { frame: 5, direction: 'downlink', action: 'drop', impairment: 'drop-nth 2 data', segment: { conn: 1, seq: 1449, len: 1448, flags: '.', occurrence: 1 } },
      { frame: 5, direction: 'downlink', action: 'release', impairment: 'proxy', queueMs: 0 },
    ];
    const text = formatPacketTimeline(analysis, { clientAddresses: [client], capturePoint: 'server', decisions, positions });
    const line = text.split('\n').find((l) => l.startsWith(`  ${String(dropped).padStart(5)} `))!;
    expect(line).to.include('[dropped: downlink drop-nth 2 data]');
    // The client port names the connection on both directions' lines.
    expect(line).to.include(` 0 :${first.sport} S>C`);
    expect(text).to.not.include('not in this capture');
  });

  it('gives a segment the capture never saw a line of its own with its identity', async () => {
    const analysis = await analyzeCapture(CAPTURE);
    const client = analysis.frames[0]!.src!;
    const counts = { uplink: 0, downlink: 0 };
    // Downlink chain frame 3 is missing from this capture (hidden): later downlink frames are numbered past it.
    const positions: ChainPosition[] = analysis.frames.map((f) => {
      const direction = f.src === client ? 'uplink' : 'downlink';
      counts[direction] += direction === 'downlink' && counts.downlink === 2 ? 2 : 1;
      return { direction, chainFrame: counts[direction] };
    });
    const decisions: ImpairDecision[] = [
      { frame: 3, direction: 'downlink', action: 'capture-drop', impairment: 'capture-drop nth 1 data', segment: { conn: 1, seq: 1, len: 1448, flags: '.', occurrence: 1 } },
    ];
    const text = formatPacketTimeline(analysis, { clientAddresses: [client], capturePoint: 'client', decisions, positions });
    expect(text).to.include('S>C conn 1 seq 1 len 1448 . not in this capture [hidden from capture: downlink capture-drop nth 1 data]');
  });
});
