/**
 * registry.ts: the CLI text syntax for impairments ("delay 50ms | drop-nth 20 data"), mapped by
 * name to the same factories a scenario calls. Pure; must not import node I/O modules.
 */
import { ConfigError } from '../../analyzer/errors.js';
import { captureDrop } from './capture-drop.js';
import { delay } from './delay.js';
import { dropNth, dropWhere } from './drop-nth.js';
import { duplicate } from './duplicate.js';
import { gilbertElliott } from './gilbert-elliott.js';
import type { Impairment } from './impairment.js';
import { loss } from './loss.js';
import { allOf, anyFrame, coversOffset, inConnection, isDataSegment, isFin, isRst, isSyn, isTcp, tcpPort, type Match } from './match.js';
import { rate } from './rate.js';
import { reorder } from './reorder.js';

/** Reads the words after an impairment's name; every helper throws a ConfigError naming the stage. */
export class StageReader {
  private index = 0;
  constructor(
    /** The impairment name as written. */
    readonly name: string,
    private readonly words: readonly string[],
    /** The whole stage text, quoted in messages. */
    readonly source: string,
  ) {}

  /** True when every word has been read. */
  get done(): boolean {
    return this.index >= this.words.length;
  }
  /** The next word without consuming it. */
  peek(): string | undefined {
    return this.words[this.index];
  }
  /** Consumes the next word when it equals `word`. */
  accept(word: string): boolean {
    if (this.words[this.index] !== word) return false;
    this.index++;
    return true;
  }
  /** Consumes the next word, which must exist (`what` names it in the message). */
  word(what: string): string {
    const w = this.words[this.index];
    if (w === undefined) this.fail(`expected ${what} after "${this.words.slice(0, this.index).join(' ') || this.name}"`);
    this.index++;
    return w;
  }
  /** Throws `impairment "NAME": MESSAGE in "SOURCE"`. */
  fail(message: string): never {
    throw new ConfigError(`impairment "${this.name}": ${message} in "${this.source}"`);
  }
  /** A plain number. */
  number(what: string): number {
    const w = this.word(what);
    const n = Number(w);
    if (w.trim() === '' || !Number.isFinite(n)) this.fail(`expected ${what} as a number (got "${w}")`);
    return n;
  }
  /** An integer count. */
  integer(what: string): number {
    const n = this.number(what);
    if (!Number.isInteger(n)) this.fail(`expected ${what} as an integer (got ${n})`);
    return n;
  }
  /** "1%" → 0.01, "0.01" → 0.01. */
  fraction(what: string): number {
    const w = this.word(what);
    const n = w.endsWith('%') ? Number(w.slice(0, -1)) / 100 : Number(w);
    if (!Number.isFinite(n) || w === '%') this.fail(`expected ${what} like 1% or 0.01 (got "${w}")`);
    return n;
  }
  /** "50ms", "1.5s", "200us" → ms; a bare number is ms. */
  durationMs(what: string): number {
    const w = this.word(what);
    const m = /^(\d+(?:\.\d+)?)(us|ms|s)?$/.exec(w);
    if (m === null) this.fail(`expected ${what} like 50ms or 1.5s (got "${w}")`);
    const value = Number(m[1]);
    return m[2] === 's' ? value * 1000 : m[2] === 'us' ? value / 1000 : value;
  }
  /** "10mbit", "512kbit", "1gbit", "64000bit" → kbit/s. */
  kbps(what: string): number {
    const w = this.word(what);
    const m = /^(\d+(?:\.\d+)?)(bit|kbit|mbit|gbit)(?:\/s)?$/.exec(w.toLowerCase());
    if (m === null) this.fail(`expected ${what} like 10mbit or 512kbit (got "${w}")`);
    const scale = { bit: 0.001, kbit: 1, mbit: 1000, gbit: 1_000_000 }[m[2] as 'bit' | 'kbit' | 'mbit' | 'gbit'];
    return Number(m[1]) * scale;
  }
  /** "key=value" pairs until the end: returns them, failing on keys outside `allowed`. */
  keyValues(allowed: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    while (!this.done) {
      const w = this.word('key=value');
      const eq = w.indexOf('=');
      const key = eq < 0 ? w : w.slice(0, eq);
      if (eq < 0 || !allowed.includes(key)) this.fail(`unexpected "${w}"; expected ${allowed.map((k) => `${k}=…`).join(', ')}`);
      out.set(key, w.slice(eq + 1));
    }
    return out;
  }
  /** A matcher: zero or more of `any data syn fin rst tcp sport N dport N port N offset N conn N`, all required. */
  match(): Match {
    const parts: Match[] = [];
    while (!this.done) {
      const w = this.peek()!;
      const simple = SIMPLE_MATCHES[w];
      if (simple !== undefined) {
        this.index++;
        parts.push(simple);
      } else if (w === 'sport' || w === 'dport' || w === 'port') {
        this.index++;
        parts.push(tcpPort(w === 'sport' ? 'src' : w === 'dport' ? 'dst' : 'either', this.integer(`a port after "${w}"`)));
      } else if (w === 'offset') {
        this.index++;
        parts.push(coversOffset(this.integer('a byte offset after "offset"')));
      } else if (w === 'conn') {
        this.index++;
        parts.push(inConnection(this.integer('a connection number (1 = the first) after "conn"')));
      } else {
        break;
      }
    }
    return parts.length === 0 ? anyFrame : allOf(...parts);
  }
  /** Fails unless every word was read. */
  end(): void {
    if (!this.done) this.fail(`unexpected "${this.words.slice(this.index).join(' ')}"`);
  }
}

const SIMPLE_MATCHES: Readonly<Record<string, Match>> = {
  any: anyFrame,
  data: isDataSegment,
  syn: isSyn,
  fin: isFin,
  rst: isRst,
  tcp: isTcp,
};

/** Parses the words of one stage into an impairment. */
export type StageParser = (r: StageReader) => Impairment;

/** One registry entry: how to parse the stage and a usage line for help and errors. */
export interface ImpairmentSyntax {
  readonly usage: string;
  readonly parse: StageParser;
}

const registry = new Map<string, ImpairmentSyntax>();

/** Adds an impairment name to the text syntax (the built-ins are registered below). */
export function registerImpairment(name: string, syntax: ImpairmentSyntax): void {
  registry.set(name, syntax);
}

/** Names the text syntax knows, in registration order. */
export function knownImpairments(): string[] {
  return [...registry.keys()];
}

/** Usage lines of every registered impairment (for `--help`). */
export function impairmentUsage(): string[] {
  return [...registry.values()].map((s) => s.usage);
}

/**
 * Parses one CLI expression into the impairments of one direction, stage by stage.
 * @example parseImpairments('delay 50ms | drop-nth 20 data')
 */
export function parseImpairments(expression: string): Impairment[] {
  if (expression.trim() === '') return [];
  return expression.split('|').map((stage) => parseImpairment(stage));
}

/** Parses one stage, e.g. `loss 1%`. */
export function parseImpairment(stage: string): Impairment {
  const source = stage.trim();
  const words = source.split(/\s+/).filter((w) => w !== '');
  const name = words[0];
  if (name === undefined) throw new ConfigError('empty impairment stage (two "|" in a row?)');
  const syntax = registry.get(name);
  if (syntax === undefined) {
    throw new ConfigError(`unknown impairment "${name}" in "${source}"; known: ${knownImpairments().join(', ')}`);
  }
  const reader = new StageReader(name, words.slice(1), source);
  const impairment = syntax.parse(reader);
  reader.end();
  return impairment;
}

registerImpairment('delay', {
  usage: 'delay 50ms [jitter 5ms] [reorder]',
  parse: (r) => {
    const ms = r.durationMs('a delay');
    const jitterMs = r.accept('jitter') ? r.durationMs('a jitter') : 0;
    const allowReorder = r.accept('reorder');
    return delay({ ms, jitterMs, allowReorder });
  },
});
registerImpairment('rate', {
  usage: 'rate 10mbit [queue 50]',
  parse: (r) => {
    const kbps = r.kbps('a rate');
    return r.accept('queue') ? rate({ kbps, queuePackets: r.integer('a queue length') }) : rate({ kbps });
  },
});
registerImpairment('loss', {
  usage: 'loss 1%',
  parse: (r) => loss({ rate: r.fraction('a loss rate') }),
});
const parseGe: StageParser = (r) => {
  const kv = r.keyValues(['p', 'r', 'good', 'bad']);
  const value = (key: string): number | undefined => {
    const v = kv.get(key);
    if (v === undefined) return undefined;
    const n = v.endsWith('%') ? Number(v.slice(0, -1)) / 100 : Number(v);
    if (v === '' || !Number.isFinite(n)) r.fail(`expected ${key}= as a number (got "${v}")`);
    return n;
  };
  const p = value('p');
  const rr = value('r');
  if (p === undefined || rr === undefined) return r.fail('needs both p= and r=');
  const good = value('good');
  const bad = value('bad');
  return gilbertElliott({ p, r: rr, ...(good === undefined ? {} : { lossGood: good }), ...(bad === undefined ? {} : { lossBad: bad }) });
};
registerImpairment('ge', { usage: 'ge p=0.01 r=0.3 [good=0] [bad=1]', parse: parseGe });
registerImpairment('gilbert-elliott', { usage: 'gilbert-elliott p=0.01 r=0.3 [good=0] [bad=1]', parse: parseGe });
registerImpairment('drop-nth', {
  usage: 'drop-nth 20 [data|syn|fin|rst|tcp|any] [sport N] [dport N] [port N] [offset N]',
  parse: (r) => dropNth(r.integer('n'), r.match()),
});
registerImpairment('drop-where', {
  usage: 'drop-where <match> [count N]',
  parse: (r) => {
    const match = r.match();
    return r.accept('count') ? dropWhere(match, { count: r.integer('a count') }) : dropWhere(match);
  },
});
registerImpairment('duplicate', {
  usage: 'duplicate nth 10 [<match>] [gap 5ms] | duplicate 5% [<match>] [gap 5ms]',
  parse: (r) => {
    let choice: { nth: number } | { rate: number };
    if (r.accept('nth')) {
      choice = { nth: r.integer('n') };
    } else {
      r.accept('rate');
      choice = { rate: r.fraction('a duplicate rate') };
    }
    const match = r.match();
    const gapMs = r.accept('gap') ? r.durationMs('a gap') : 0;
    return duplicate({ ...choice, match, gapMs });
  },
});
registerImpairment('reorder', {
  usage: 'reorder 1 after 2 [nth N] [<match>] [past <match>] [max-hold 1s]',
  parse: (r) => {
    const hold = r.integer('how many frames to hold');
    if (!r.accept('after')) return r.fail(`expected "after N" (got "${r.peek() ?? 'end of text'}")`);
    const after = r.integer('n');
    const nth = r.accept('nth') ? r.integer('n') : 1;
    const match = r.match();
    const past = r.accept('past') ? r.match() : undefined;
    const maxHoldMs = r.accept('max-hold') ? r.durationMs('a duration') : 1000;
    return reorder({ hold, after, nth, match, maxHoldMs, ...(past === undefined ? {} : { past }) });
  },
});
registerImpairment('capture-drop', {
  usage: 'capture-drop nth 44 [<match>] | capture-drop <match>',
  parse: (r) => {
    if (!r.accept('nth')) return captureDrop(r.match());
    const nth = r.integer('n');
    return captureDrop(r.match(), { nth });
  },
});
