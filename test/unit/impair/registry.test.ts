import { expect } from 'chai';
import { isConfigError } from '../../../analyzer/errors.js';
import { knownImpairments, parseImpairments } from '../../../harness/impair/registry.js';

describe('parseImpairments', () => {
  const examples: [string, string[]][] = [
    ['delay 50ms | drop-nth 20 data', ['delay 50ms', 'drop-nth 20 data']],
    ['loss 1%', ['loss 1%']],
    ['reorder 1 after 2 data', ['reorder 1 after 2 data']],
    ['duplicate nth 10 data', ['duplicate nth 10 data']],
    ['capture-drop nth 44 data', ['capture-drop nth 44 data']],
    ['rate 10mbit queue 50', ['rate 10mbit queue 50']],
    ['ge p=0.01 r=0.3', ['ge p=0.01 r=0.3']],
    ['delay 1.5s jitter 5ms', ['delay 1500ms jitter 5ms']],
    ['drop-nth 1 fin', ['drop-nth 1 fin']],
    ['drop-where data dport 443 count 2', ['drop-where data dport 443 count 2']],
    ['', []],
  ];
  for (const [text, labels] of examples) {
    it(`parses "${text}" into stages labelled ${JSON.stringify(labels)}`, () => {
      expect(parseImpairments(text).map((i) => i.label)).to.deep.equal(labels);
    });
  }

  const errors: [string, string][] = [
    ['dleay 50ms', `unknown impairment "dleay" in "dleay 50ms"; known: ${knownImpairments().join(', ')}`],
    ['loss 150%', 'impairment "loss": rate must be between 0 and 1 (got 1.5)'],
    ['loss', 'impairment "loss": expected a loss rate after "loss" in "loss"'],
    ['delay fifty', 'impairment "delay": expected a delay like 50ms or 1.5s (got "fifty") in "delay fifty"'],
    ['rate 10furlongs', 'impairment "rate": expected a rate like 10mbit or 512kbit (got "10furlongs") in "rate 10furlongs"'],
    ['drop-nth 0 data', 'impairment "drop-nth": n must be an integer ≥ 1 (got 0)'],
    ['drop-nth 2 dta', 'impairment "drop-nth": unexpected "dta" in "drop-nth 2 dta"'],
    ['ge p=0.01', 'impairment "ge": needs both p= and r= in "ge p=0.01"'],
    ['reorder 1 2', 'impairment "reorder": expected "after N" (got "2") in "reorder 1 2"'],
    ['delay 5ms |', 'empty impairment stage (two "|" in a row?)'],
  ];
  for (const [text, message] of errors) {
    it(`rejects "${text}" with a ConfigError naming the problem`, () => {
      let caught: unknown;
      try {
        parseImpairments(text);
      } catch (e) {
        caught = e;
      }
      expect(isConfigError(caught), String(caught)).to.equal(true);
      expect((caught as Error).message).to.equal(message);
      expect(caught).to.have.property('code', 'ERR_CONFIG');
    });
  }
});
