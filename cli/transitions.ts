// What changed for each consumer since a former run (`gridcode score
// --previous`): the transitions of a code, and their JSON and one-line forms.
// A view computed from two responses by the command line; it is not part of
// the ScoreBatchResponse contract (docs/decisions.md).
import { gridcode } from '#gen/scoring.js';

const { CODE_GREEN, CODE_YELLOW, CODE_RED, CODE_GRAY } = gridcode.v1.Code;
const { WATCH_STATUS_RECTIFIED, WATCH_STATUS_CLOSED, WATCH_STATUS_RESTRICTED } = gridcode.v1.WatchStatus;

/** The changes a consumer can have, in the order they are listed. */
export const CHANGES = ['new_red', 'red_to_green', 'red_to_yellow', 'newly_gray', 'relapse'] as const;
export type Change = (typeof CHANGES)[number];

/** Watched sites that should stay quiet: found and made to comply, shut, or told to cut production. Cleared sites were false alarms. */
const RELAPSE_WATCH: ReadonlySet<number> = new Set([WATCH_STATUS_RECTIFIED, WATCH_STATUS_CLOSED, WATCH_STATUS_RESTRICTED]);

/**
 * The changes of one consumer: `before` is its code in the former response
 * (undefined when it was not there), `now` its code in this one, `watch` the
 * watch status its request carries (0 = not watched).
 */
export function changesOf(before: number | undefined, now: number, watch: number): Change[] {
  const changes: Change[] = [];
  if (now === CODE_RED && before !== CODE_RED) changes.push('new_red');
  if (before === CODE_RED && now === CODE_GREEN) changes.push('red_to_green');
  if (before === CODE_RED && now === CODE_YELLOW) changes.push('red_to_yellow');
  if (now === CODE_GRAY && before !== CODE_GRAY) changes.push('newly_gray');
  // A watched site that was quiet at the last run (or not in it) and is flagged now.
  if (RELAPSE_WATCH.has(watch) && (now === CODE_RED || now === CODE_YELLOW) && (before === undefined || before === CODE_GREEN)) changes.push('relapse');
  return changes;
}

export type TransitionSummary = Record<Change | 'gone', number>;

/** The transitions of a run, added consumer by consumer in request order. */
export class Transitions {
  readonly summary: TransitionSummary = { new_red: 0, red_to_green: 0, red_to_yellow: 0, newly_gray: 0, relapse: 0, gone: 0 };
  /** One JSON object per consumer with a change: only these are held. */
  private readonly lines: string[] = [];

  constructor(
    /** The previous file as named on the command line. */
    readonly previous: string,
  ) {}

  add(id: string, before: number | undefined, now: number, watch: number): void {
    const changes = changesOf(before, now, watch);
    if (changes.length === 0) return;
    for (const change of changes) this.summary[change]++;
    this.lines.push(`{"id":${JSON.stringify(id)},"from":${before === undefined ? 'null' : codeName(before)},"to":${codeName(now)},"changes":${JSON.stringify(changes)}}`);
  }

  /** The consumers listed (those with at least one change). */
  get count(): number {
    return this.lines.length;
  }

  /** `{"previous":…,"summary":{…},"consumers":[…]}`, one consumer a line as the response has one result a line; no newline at the end. */
  json(): string {
    const summary = `{${Object.entries(this.summary).map(([name, n]) => `"${name}":${n}`).join(',')}}`;
    const consumers = this.lines.length === 0 ? '[]' : `[\n${this.lines.join(',\n')}\n]`;
    return `{"previous":${JSON.stringify(this.previous)},"summary":${summary},"consumers":${consumers}}`;
  }

  /** "since run-1.json: 12 new RED, 3 RED → GREEN, …", for stderr. */
  line(): string {
    const s = this.summary;
    const parts = [`${s.new_red} new RED`, `${s.red_to_green} RED → GREEN`, `${s.red_to_yellow} RED → YELLOW`, `${s.newly_gray} newly GRAY`, `${s.relapse} relapse${s.relapse === 1 ? '' : 's'} of watched sites`, `${s.gone} gone`];
    return `since ${this.previous}: ${parts.join(', ')}`;
  }
}

function codeName(code: number): string {
  return JSON.stringify(gridcode.v1.Code[code] ?? String(code));
}
