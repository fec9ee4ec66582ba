// The results of a batch scored here, met with the outcomes file as they
// come (a block at a time, never the whole response): per district its
// flagged and unflagged consumers, the suspects in the order of `gridcode
// list` (to find the sites within the inspectors' capacity), and the
// consumers that have an outcome. Flagged = what `gridcode list` lists: RED,
// and YELLOW with --yellow.
import type { gridcode } from '#gen/scoring.js';
import type { BatchCounts, SiteOutcome } from '../../engine/src/outcomes/index.js';
import type { CompiledRuleSet } from '../../engine/src/index.js';
import { planLists, priorityOf, RED, uncappedSum, YELLOW, type Capacity, type DistrictList, type Ranked } from '../list/ranking.js';
import { noteSkip, type OutcomeRow, type OutcomesTable, type Skips } from './outcomes-file.js';

/** A consumer with an outcome, as scored. */
interface Met {
  readonly id: string;
  readonly code: number;
  readonly district: string;
  readonly rules: readonly string[];
  readonly flagged: boolean;
  readonly row: OutcomeRow;
}

export class BatchOutcomes {
  private readonly suspects: Ranked[] = [];
  private readonly met: Met[] = [];
  private readonly districts = new Map<string, { flagged: number; unflagged: number }>();
  consumers = 0;
  /** Outcome rows whose district is not the batch's (the batch's is used). */
  readonly districtDiffers: Skips = { count: 0, first: [] };

  private readonly redThreshold: number;
  /** Each rule's score, for the uncapped sum that orders REDs at the cap as `gridcode list` does. */
  private readonly ruleScores: ReadonlyMap<string, number>;

  constructor(
    private readonly outcomes: OutcomesTable,
    ruleSet: Pick<CompiledRuleSet, 'thresholds' | 'rules'>,
    private readonly withYellow: boolean,
  ) {
    this.redThreshold = ruleSet.thresholds.red;
    this.ruleScores = new Map(ruleSet.rules.map((rule) => [rule.id, rule.score]));
  }

  add(result: gridcode.v1.ConsumerResult): void {
    this.consumers++;
    const code = result.code as number;
    const flagged = code === RED || (this.withYellow && code === YELLOW);
    const district = result.district;
    let counts = this.districts.get(district);
    if (!counts) this.districts.set(district, (counts = { flagged: 0, unflagged: 0 }));
    if (flagged) {
      counts.flagged++;
      this.suspects.push({
        id: result.id,
        district,
        code,
        score: result.score,
        priority: priorityOf(code, result.score, this.redThreshold),
        uncapped: uncappedSum(result.reasons, (rule) => this.ruleScores.get(rule)),
      });
    } else counts.unflagged++;
    const row = this.outcomes.byId.get(result.id);
    if (row === undefined) return;
    this.outcomes.byId.delete(result.id); // a second consumer of the same id meets no outcome
    if (row.district !== '' && row.district !== district) {
      noteSkip(this.districtDiffers, `line ${row.line}: ${JSON.stringify(result.id)} ${JSON.stringify(row.district)}, the batch's ${district === '' ? 'none' : JSON.stringify(district)}`);
    }
    this.met.push({ id: result.id, code, district, rules: [...result.reasons], flagged, row });
  }

  /**
   * The sites with an outcome and the batch's counts, once every block is
   * scored; the outcome rows no consumer met are counted as not in the batch.
   */
  finish(capacityOf: (district: string) => Capacity, ruleIds: readonly string[], hits: readonly number[]): { sites: SiteOutcome[]; counts: BatchCounts; lists: DistrictList<Ranked>[] } {
    for (const [id, row] of this.outcomes.byId) noteSkip(this.outcomes.skipped.notInBatch, `line ${row.line}: ${JSON.stringify(id)}`);
    this.outcomes.byId.clear();
    const lists = planLists(this.suspects, capacityOf);
    const listed = new Set<string>();
    const districts = new Map<string, { flagged: number; unflagged: number; listed: number }>();
    for (const [name, counts] of this.districts) districts.set(name, { ...counts, listed: 0 });
    for (const list of lists) {
      for (const suspect of list.ranked.slice(0, list.listed)) listed.add(suspect.id);
      districts.get(list.district)!.listed = list.listed;
    }
    const sites = this.met.map((m) => ({ id: m.id, code: m.code, district: m.district, rules: m.rules, flagged: m.flagged, listed: m.flagged && listed.has(m.id), outcome: m.row.outcome, audit: m.row.audit }));
    const fired = new Map(ruleIds.map((rule, r) => [rule, hits[r] ?? 0]));
    return { sites, counts: { consumers: this.consumers, districts, fired }, lists };
  }
}
