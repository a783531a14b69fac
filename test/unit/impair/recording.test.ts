import { expect } from 'chai';
import { formatImpairmentLog, parseImpairmentLog, type ImpairmentRecording } from '../../../harness/impair/recording.js';

describe('impairments.jsonl (recording)', () => {
  const recording: ImpairmentRecording = {
    seed: 11,
    uplink: 'delay 20ms',
    downlink: 'drop-nth 2 data | delay 20ms',
    decisions: [
      { frame: 4, direction: 'downlink', action: 'drop', impairment: 'drop-nth 2 data', segment: { conn: 1, seq: 1449, len: 1448, flags: '.', occurrence: 1 } },
      { frame: 1, direction: 'uplink', action: 'release', impairment: 'proxy', queueMs: 20.012, segment: { conn: 1, seq: 0, len: 0, flags: 'S', occurrence: 1 } },
    ],
  };

  it('reads back what it writes, header first', () => {
    const text = formatImpairmentLog(recording);
    expect(JSON.parse(text.split('\n')[0]!)).to.deep.equal({ recording: 2, seed: 11, uplink: 'delay 20ms', downlink: 'drop-nth 2 data | delay 20ms' });
    expect(parseImpairmentLog(text, 'run/impairments.jsonl')).to.deep.equal(recording);
  });

  const bad: [string, string, string][] = [
    ['a log of an older wirelab', '{"frame":3,"direction":"downlink","action":"drop","impairment":"x"}\n', 'log.jsonl:1: no recording header; this log was written by an older wirelab (frame numbers only) and cannot be replayed: record the run again'],
    ['a line that is not JSON', '{"recording":2,"seed":1,"uplink":"pass","downlink":"pass"}\nnope\n', 'log.jsonl:2: not JSON; expected one decision per line as written to impairments.jsonl'],
    ['an unknown action', '{"recording":2,"seed":1,"uplink":"pass","downlink":"pass"}\n{"frame":1,"direction":"uplink","action":"explode","impairment":"x"}\n', 'log.jsonl:2: expected {frame, direction, action, impairment}, found {"frame":1,"direction":"uplink","action":"explode","impairment":"x"}'],
    ['another version', '{"recording":3,"seed":1,"uplink":"pass","downlink":"pass"}\n', 'log.jsonl:1: recording version 3; expected 2'],
    ['an empty file', '\n', 'log.jsonl: empty; expected an impairments.jsonl written by wirelab run'],
  ];
  for (const [what, text, message] of bad) {
    it(`rejects ${what} with a ConfigError naming file and line`, () => {
      expect(() => parseImpairmentLog(text, 'log.jsonl')).to.throw(message).with.property('code', 'ERR_CONFIG');
    });
  }
});
