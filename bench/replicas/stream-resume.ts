// What a ScoreStream client keeps across cuts. Responses come in request
// order, so after a cut it keeps the consumers it was answered and resends
// only the rest, in a new stream that may reach another replica. That replica
// may serve another version of the rule set (replicas reload at different
// moments: docs/operations/replicas.md): an answer made of two versions is
// wrong. So the first response after resuming is checked against the digest
// kept from before the cut; if they differ, what was kept is dropped and the
// stream restarts from the first consumer.
import type { ScoredConsumer } from './batch.js';

/** One attempt of a stream: the digest of its first response ('' if none came) and the consumers it answered. */
export interface StreamPart {
  readonly digest: string;
  readonly results: readonly ScoredConsumer[];
}

export class StreamProgress {
  /** The rule-set digest of everything kept ('' before the first response). */
  digest = '';
  /** Consumers answered so far, in request order: the next attempt starts at answered.length. */
  readonly answered: ScoredConsumer[] = [];

  /**
   * Takes an attempt's part. 'kept' when it continues what was kept (or nothing was); 'restart' when it came from
   * another rule set: the kept answers and the part are dropped, and the next attempt must start from consumer 0.
   */
  take(part: StreamPart): 'kept' | 'restart' {
    if (part.results.length === 0) return 'kept';
    if (this.digest && part.digest !== this.digest) {
      this.digest = '';
      this.answered.length = 0;
      return 'restart';
    }
    this.digest = part.digest;
    this.answered.push(...part.results);
    return 'kept';
  }
}
