// Groups in a stream or a file come as contiguous runs (followup.md, Cohorts):
// a group's peers are its run, so the consumers of one group must come
// together, and a group that comes back after another is the client's error,
// named with the two positions. Consumers without a group may sit among a
// group's (a utility's export sorted by transformer area has its unmapped and
// dedicated-transformer accounts wherever they fall): they belong to no run.
// A run ends when another group starts, at the end, or MAX_GROUP_RUN
// consumers after its first, so that its blocks never wait without bound. Only the groups seen so far are remembered
// (about 100 bytes each: a city of 5.8 million accounts in transformer areas
// of 50 is some 120,000 groups), never their consumers.
import { BatchError } from '../errors.js';

/**
 * The most consumers one run may span in a stream or a file, from its first
 * to its last (those without a group between included): its blocks wait in
 * memory until it ends (about 0.7 KiB a consumer at 96 points a day, see
 * feature-block.ts), so this bounds a stream's memory whatever its length.
 * A transformer area has tens to a few hundred accounts; a building more.
 */
export const MAX_GROUP_RUN = 20_000;

export class GroupRuns {
  /** Each group that ended, and the position of its last consumer. */
  private readonly ended = new Map<string, number>();
  private open: { group: string; start: number; last: number } | undefined;

  /**
   * `open`: a run still open where another thread left off (a ScoreStream's
   * message scored in a worker; the groups that ended are checked where the
   * stream is read, see span()).
   */
  constructor(open?: { readonly group: string; readonly start: number; readonly end: number }) {
    if (open) this.open = { group: open.group, start: open.start, last: open.end - 1 };
  }

  /** The group of the run still open ('' when none) and the position of its first consumer. */
  get openRun(): { readonly group: string; readonly start: number; readonly end: number } | undefined {
    return this.open && { group: this.open.group, start: this.open.start, end: this.open.last + 1 };
  }

  /** Consumers [start, end) all of `group`: as many calls of next(), in O(1), the same errors. Returns the run it ends, if any. */
  span(group: string, start: number, end: number): { readonly group: string; readonly start: number; readonly end: number } | undefined {
    if (end <= start) return undefined;
    const ended = this.next(group, start);
    if (end - 1 === start) return ended;
    const open = this.open;
    // The first position past the limit, as next() one consumer at a time would name it.
    const last = open && group === open.group ? Math.min(end - 1, open.start + MAX_GROUP_RUN) : end - 1;
    return this.next(group, last) ?? ended;
  }

  /**
   * The consumer at `position` has `group` ('' = none). Returns the run it
   * ends, if any (the open run, when this consumer is not of its group).
   * Throws BatchError (invalid_argument) when its group came before and
   * ended, or when the run grows past MAX_GROUP_RUN.
   */
  next(group: string, position: number): { readonly group: string; readonly start: number; readonly end: number } | undefined {
    const open = this.open;
    const far = open !== undefined && position - open.start >= MAX_GROUP_RUN;
    if (open && group === open.group) {
      if (far) {
        throw new BatchError('invalid_argument', `group ${named(group)} spans more than ${MAX_GROUP_RUN} consumers (from consumer ${open.start} to consumer ${position}); in a stream or file a group's consumers wait in memory until it ends: split the group`);
      }
      open.last = position;
      return undefined;
    }
    if (group === '') return far ? this.end() : undefined;
    const ended = open ? this.end() : undefined;
    const last = this.ended.get(group);
    if (last !== undefined) {
      throw new BatchError(
        'invalid_argument',
        `group ${named(group)} is not contiguous: it ended at consumer ${last} and comes back at consumer ${position}; in a stream or file a group's consumers must come together (consumers without a group may sit among them), within ${MAX_GROUP_RUN} consumers of its first`,
      );
    }
    this.open = { group, start: position, last: position };
    return ended;
  }

  /** Ends the open run (the end of the stream), returning it. */
  end(): { readonly group: string; readonly start: number; readonly end: number } | undefined {
    const open = this.open;
    if (!open) return undefined;
    this.ended.set(open.group, open.last);
    this.open = undefined;
    return { group: open.group, start: open.start, end: open.last + 1 };
  }
}

/** A group as an error names it: quoted, its first 40 characters (a message must fit in a gRPC trailer). */
function named(group: string): string {
  return JSON.stringify(group.length > 40 ? `${group.slice(0, 40)}…` : group);
}

/** The maximal stretches of consumers with one group ('' included) of consecutive blocks, by position. */
export function groupStretches(blocks: readonly { readonly first: number; readonly count: number; readonly groups: readonly string[] }[]): Array<{ group: string; start: number; end: number }> {
  const stretches: Array<{ group: string; start: number; end: number }> = [];
  for (const block of blocks) {
    for (let c = 0; c < block.count; c++) {
      const group = block.groups[c] ?? '';
      const last = stretches[stretches.length - 1];
      if (last && last.group === group && last.end === block.first + c) last.end++;
      else stretches.push({ group, start: block.first + c, end: block.first + c + 1 });
    }
  }
  return stretches;
}
