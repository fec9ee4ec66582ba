// The suspects of a scoring run: its RED results (and YELLOW with --yellow),
// each reduced to what an inspection list shows, never a reading: the
// result's id, district, code, score and priority (ranking.ts), the reason
// texts of its fired rules, the values that fired each one next to what they
// were compared with (comparisons.ts), its follow-up and its note.
import type { gridcode } from '#gen/scoring.js';
import { Code } from '../../engine/src/index.js';
import { formatValue, RuleComparisons } from './comparisons.js';
import { priorityOf, RED, uncappedSum, YELLOW, type Ranked } from './ranking.js';

/** One row of a list. */
export interface Suspect extends Ranked {
  /** Ids of the fired rules, in the result's order (rules.md step 4). */
  readonly rules: readonly string[];
  /** Each fired rule's reason text (its id where it has none), `; `-separated. */
  readonly reasons: string;
  /** Per fired rule, `rule: night_share 0.62 > 0.35, …`, `; `-separated. */
  readonly evidence: string;
  /** follow-up.ts; '' when none is known. */
  readonly followUp: string;
  readonly note: string;
  /** The templates its evidence compared it with: each `corr_<name>` value's name, the highest correlation first (the one it matched, for the report's curves). */
  readonly templates: readonly string[];
}

/** What a list needs of a rule: RuleInfo, from the response or the compiled rule set. */
export interface RuleText {
  readonly id: string;
  readonly reason: string;
  readonly when: string;
  /** Its score (effect rules: 0), for the uncapped sum that breaks ties at the cap (ranking.ts). */
  readonly score: number;
}

/** Counts of the results that are not on any list. */
export interface OtherCodes {
  green: number;
  yellowLeftOut: number;
  gray: number;
}

export class SuspectCollector {
  readonly suspects: Suspect[] = [];
  readonly others: OtherCodes = { green: 0, yellowLeftOut: 0, gray: 0 };
  /** The score of every RED and YELLOW result, listed or not (the report's distribution). */
  readonly scores: number[] = [];
  private readonly rules = new Map<string, { readonly text: RuleText; comparisons?: RuleComparisons }>();

  constructor(
    rules: Iterable<RuleText>,
    private readonly redThreshold: number,
    private readonly withYellow: boolean,
    /** The follow-up of a result (follow-up.ts). */
    private readonly followUpOf: (result: gridcode.v1.ConsumerResult) => string,
  ) {
    for (const rule of rules) if (!this.rules.has(rule.id)) this.rules.set(rule.id, { text: rule });
  }

  add(result: gridcode.v1.ConsumerResult): void {
    const code = result.code as number;
    if (code !== RED && code !== YELLOW) {
      if (code === Code.gray) this.others.gray++;
      else this.others.green++;
      return;
    }
    this.scores.push(result.score);
    if (code === YELLOW && !this.withYellow) {
      this.others.yellowLeftOut++;
      return;
    }
    const score = result.score;
    const reasons = result.reasons.map((id) => this.rules.get(id)?.text.reason || id);
    this.suspects.push({
      id: result.id,
      district: result.district,
      code,
      score,
      priority: priorityOf(code, score, this.redThreshold),
      uncapped: uncappedSum(result.reasons, (id) => this.rules.get(id)?.text.score),
      rules: [...result.reasons],
      reasons: reasons.join('; '),
      evidence: result.evidence.map((e) => `${e.rule ?? ''}: ${this.describe(e.rule ?? '', e.values ?? {})}`).join('; '),
      followUp: this.followUpOf(result),
      note: result.note,
      templates: bestMatchesFirst(result.evidence),
    });
  }

  /** The comparisons of a fired rule with the consumer's values; its values alone when none shows. */
  private describe(rule: string, values: Readonly<Record<string, number>>): string {
    const entry = this.rules.get(rule);
    if (entry) {
      entry.comparisons ??= new RuleComparisons(entry.text.when);
      const shown = entry.comparisons.describe(values);
      if (shown !== '') return shown;
    }
    return Object.entries(values)
      .map(([name, value]) => `${name} ${formatValue(value)}`)
      .join(', ');
  }
}

/** The names of the `corr_<name>` values in the evidence, the highest first (a rule may compare with several, e.g. corr_residential < 0.6 beside max(corr_industrial_…) > 0.6). */
function bestMatchesFirst(evidence: readonly gridcode.v1.IEvidence[]): string[] {
  const best = new Map<string, number>();
  for (const e of evidence) for (const [name, value] of Object.entries(e.values ?? {})) if (name.startsWith('corr_')) best.set(name.slice(5), Math.max(best.get(name.slice(5)) ?? -Infinity, Number.isNaN(value) ? -Infinity : value));
  return [...best].sort((a, b) => b[1] - a[1]).map(([name]) => name);
}
