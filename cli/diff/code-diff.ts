// What a rule change does to a batch, consumer by consumer: the results of
// the "before" run noted compactly in request order (a code byte, a float32
// score, an id hash and a bit per rule: 9 + 4·⌈rules/32⌉ bytes a consumer, so the first
// response is not held while the second is scored), then the "after" run's
// results compared with them one by one: the colour-change matrix and the
// consumers that change colour, with the rules that fired on one side only.
// The runs are paired by position; a 32-bit hash of each id of the first run
// (4 bytes a consumer more) tells when the second reads other consumers (the
// file changed between the runs).
import type { ScoredConsumer } from './scored-results.js';

/** A consumer whose colour differs between the two runs. */
export interface ColourChange {
  /** Its index in the batch (request order). */
  readonly index: number;
  readonly id: string;
  /** Codes 1 GREEN … 4 GRAY. */
  readonly before: number;
  readonly after: number;
  readonly scoreBefore: number;
  readonly scoreAfter: number;
  /** Rules that fired before and not after, then after and not before, in the order of CodeDiff.rules. */
  readonly firedBeforeOnly: readonly string[];
  readonly firedAfterOnly: readonly string[];
}

/** The second run's consumers are not the first's: the input changed between the runs. */
export class RunsDifferError extends Error {
  override readonly name = 'RunsDifferError';
}

/** FNV-1a over the id's UTF-16 code units: equal ids, equal hashes; a changed id is caught but for 1 in 2^32. */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class CodeDiff {
  /** matrix[before - 1][after - 1]: consumers coded `before` by the first rule set and `after` by the second. */
  readonly matrix: number[][] = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
  /** Consumers whose colour is the same but whose fired rules differ. */
  sameColourOtherRules = 0;
  /** Rule ids of both rule sets: the first's in file order, then the second's it lacks. */
  readonly rules: readonly string[];
  private readonly bit = new Map<string, number>();
  private readonly words: number;
  private codes = new Uint8Array(1024);
  private scores = new Float32Array(1024);
  private hashes = new Uint32Array(1024);
  private fired: Uint32Array;
  private noted = 0;
  private compared = 0;

  constructor(beforeRules: readonly string[], afterRules: readonly string[]) {
    this.rules = [...new Set([...beforeRules, ...afterRules])];
    this.rules.forEach((id, i) => this.bit.set(id, i));
    this.words = Math.max(1, Math.ceil(this.rules.length / 32));
    this.fired = new Uint32Array(1024 * this.words);
  }

  /** Consumers noted from the first run. */
  get consumers(): number {
    return this.noted;
  }

  /** The next result of the first run (request order). */
  noteBefore(result: ScoredConsumer): void {
    const i = this.noted;
    if (i === this.codes.length) this.grow();
    this.codes[i] = result.code;
    this.scores[i] = result.score;
    this.hashes[i] = idHash(result.id);
    this.setBits(this.fired, i * this.words, result.reasons, 'first');
    this.noted++;
  }

  /** The next result of the second run, compared with the first run's at the same index: its change, if its colour changed. */
  compare(result: ScoredConsumer): ColourChange | undefined {
    const i = this.compared;
    if (i >= this.noted) throw new RunsDifferError(`the second run has more results than the first (${this.noted}): the input changed between the runs`);
    if (idHash(result.id) !== this.hashes[i]) throw new RunsDifferError(`consumer ${i} is ${JSON.stringify(result.id)} in the second run and another in the first: the input changed between the runs`);
    this.compared++;
    const before = this.codes[i]!;
    this.matrix[before - 1]![result.code - 1]!++;
    const after = new Uint32Array(this.words);
    this.setBits(after, 0, result.reasons, 'second');
    const beforeOnly: string[] = [];
    const afterOnly: string[] = [];
    for (let w = 0; w < this.words; w++) {
      const a = this.fired[i * this.words + w]!;
      const b = after[w]!;
      this.collect(a & ~b, w, beforeOnly);
      this.collect(b & ~a, w, afterOnly);
    }
    if (before === result.code) {
      if (beforeOnly.length + afterOnly.length > 0) this.sameColourOtherRules++;
      return undefined;
    }
    return { index: i, id: result.id, before, after: result.code, scoreBefore: this.scores[i]!, scoreAfter: result.score, firedBeforeOnly: beforeOnly, firedAfterOnly: afterOnly };
  }

  /** After the second run: throws when it had fewer results than the first. */
  finish(): void {
    if (this.compared !== this.noted) throw new RunsDifferError(`the second run has ${this.compared} results, the first ${this.noted}: the input changed between the runs`);
  }

  private setBits(words: Uint32Array, at: number, reasons: readonly string[], run: string): void {
    for (const id of reasons) {
      const b = this.bit.get(id);
      if (b === undefined) throw new Error(`a result of the ${run} run names rule ${JSON.stringify(id)}, which its rule set does not have`);
      words[at + (b >>> 5)]! |= 1 << (b & 31);
    }
  }

  private collect(bits: number, word: number, into: string[]): void {
    for (let b = 0; b < 32; b++) if (bits & (1 << b)) into.push(this.rules[word * 32 + b]!);
  }

  private grow(): void {
    const n = 2 * this.codes.length;
    const codes = new Uint8Array(n);
    codes.set(this.codes);
    const scores = new Float32Array(n);
    scores.set(this.scores);
    const hashes = new Uint32Array(n);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const fired = new Uint32Array(n * this.words);
    fired.set(this.fired);
    this.codes = codes;
    this.scores = scores;
    this.fired = fired;
  }
}
