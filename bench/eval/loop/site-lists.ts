// The inspection lists of a scored month, made as `gridcode list` makes them
// (cli/list/ranking.ts): RED, and with --yellow YELLOW after every RED,
// ranked by priority (a RED never below the red threshold), then score sum,
// then the uncapped sum, then id; each district cut to its capacity. Districts are contiguous blocks
// of the population (site-truth.ts districtOf). The loop's rounds and its
// held-out check list the same way.
import { planLists, priorityOf, RED, YELLOW, type Capacity, type DistrictList, type Ranked } from '../../../cli/list/ranking.js';
import type { MonthScores } from './score-month.js';
import { districtOf } from './site-truth.js';

export interface ListOptions {
  readonly consumers: number;
  readonly districts: number;
  /** Sites each district's inspectors visit per round. */
  readonly capacity: number;
  readonly withYellow: boolean;
  readonly redThreshold: number;
}

export interface Suspect extends Ranked {
  /** Consumer index in the population (its id is c<index>). */
  readonly index: number;
}

/** Whether a code puts a consumer on a list. */
export function flags(code: number, withYellow: boolean): boolean {
  return code === RED || (withYellow && code === YELLOW);
}

/** The lists of `month`, leaving out the consumers `skip` names (decided in an earlier round). */
export function siteLists(month: MonthScores, options: ListOptions, skip: (index: number) => boolean = () => false): DistrictList<Suspect>[] {
  const suspects: Suspect[] = [];
  for (let index = 0; index < options.consumers; index++) {
    const code = month.codes[index]!;
    if (!flags(code, options.withYellow) || skip(index)) continue;
    const score = month.scores[index]!;
    const district = districtOf(index, options.consumers, options.districts);
    suspects.push({ index, id: `c${index}`, district, code, score, priority: priorityOf(code, score, options.redThreshold), uncapped: month.uncapped[index]! });
  }
  const capacity: Capacity = { kind: 'given', sites: options.capacity, from: '--capacity' };
  return planLists(suspects, () => capacity);
}
