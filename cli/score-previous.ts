// `gridcode score --previous FILE`, put together: the request's consumers
// (id and watch status) noted as their blocks go by, whether scored here or
// sent to a gateway; then the response just made, read back from its encoded
// results, joined by id with the former response's codes.
import { gridcode } from '#gen/scoring.js';
import { InputError } from './errors.js';
import type { Serialization } from '../engine/src/codec/index.js';
import type { ConsumerIndex } from '../engine/src/index.js';
import { observeConsumers, type BatchFile } from './batch-file.js';
import type { PreviousCodes } from './previous-response.js';
import { encodedResults } from './result-codes.js';
import { Transitions } from './transitions.js';

/**
 * The request's consumers in order: id and watch status. One string and one
 * byte per consumer, the same order of memory as the previous codes (see
 * PreviousCodes) and far less than the response being written.
 */
export class Roster {
  readonly ids: string[] = [];
  private watch = new Uint8Array(4096);

  get length(): number {
    return this.ids.length;
  }

  watchOf(i: number): number {
    return this.watch[i]!;
  }

  /**
   * `batch` with its blocks noted here. A block is noted after its reader
   * (the scorer, the stream) took it, so that a bad consumer fails as it does
   * without --previous; its bytes are valid until the next block is read.
   */
  observe(batch: BatchFile): BatchFile {
    return observeConsumers(batch, (index) => this.note(index));
  }

  private note(index: ConsumerIndex): void {
    const at = this.ids.length;
    if (at + index.count > this.watch.length) {
      const grown = new Uint8Array(Math.max(2 * this.watch.length, at + index.count));
      grown.set(this.watch);
      this.watch = grown;
    }
    this.watch.set(index.watchStatus, at);
    for (const id of index.ids) this.ids.push(id);
  }
}

/**
 * The transitions of the run whose encoded `results` (in request order) are
 * about to be written, against `previous` (whose map this consumes: the ids
 * left in it at the end are the consumers gone). With `flaggedOnly` the
 * results leave GREEN consumers out: a consumer of the request without a
 * result is GREEN.
 */
export function transitionsOf(path: string, previous: PreviousCodes, roster: Roster, results: Uint8Array, serialization: Serialization, flaggedOnly: boolean): Transitions {
  const transitions = new Transitions(path);
  const codes = previous.codes;
  // Ids met in this run move from `codes` to `taken`, so that an id the batch repeats finds its former
  // code again and what is left in `codes` at the end is exactly the consumers gone (one map's worth at most).
  const taken = new Map<string, number>();
  // With --flagged-only the results leave GREEN consumers out and are matched to the request by id:
  // a repeated id could take another consumer's result, so it is refused (this set only then).
  const seen = flaggedOnly ? new Set<string>() : undefined;
  const stream = encodedResults(results, serialization);
  let next = stream.next();
  for (let i = 0; i < roster.length; i++) {
    const id = roster.ids[i]!;
    if (seen) {
      if (seen.has(id)) throw new InputError(path, `consumer id ${JSON.stringify(id)} appears more than once in the batch (again at consumers[${i}]): with --flagged-only its results cannot be told apart; run without --flagged-only to compare with the former run`);
      seen.add(id);
    }
    let now: number;
    if (!next.done && next.value.id === id) {
      now = next.value.code;
      next = stream.next();
    } else if (flaggedOnly) now = gridcode.v1.Code.CODE_GREEN;
    else throw new Error(`the response has no result for consumers[${i}] (${JSON.stringify(id)})`);
    let before = codes.get(id);
    if (before !== undefined) {
      codes.delete(id);
      taken.set(id, before);
    } else before = taken.get(id);
    transitions.add(id, before, now, roster.watchOf(i));
  }
  if (!next.done) throw new Error(`the response has a result for ${JSON.stringify(next.value.id)}, which the request does not have where it is`);
  transitions.summary.gone = codes.size;
  return transitions;
}

const encoder = new TextEncoder();

/**
 * The JSON response's pieces with the transitions as its last member: every
 * byte of the response is kept up to its closing "}\n", which moves after them.
 */
export function withTransitions(pieces: readonly Uint8Array[], transitions: Transitions): Uint8Array[] {
  const close = pieces[pieces.length - 1];
  const n = close?.length ?? 0;
  if (!close || n < 2 || close[n - 2] !== 0x7d || close[n - 1] !== 0x0a) throw new Error('a JSON response ends with "}\\n"');
  return [...pieces.slice(0, -1), close.subarray(0, n - 2), encoder.encode(`,"transitions":${transitions.json()}}\n`)];
}
