// Codes of every case by the product itself: the rule set compiled by
// compileRuleSet (engine/src/rules/compile-rule-set.ts) and every group scored
// by FeatureEngine.scoreConsumers (features in build/engine.wasm, rules in its
// column VM). There is no second rule interpreter here, on purpose: it would
// drift from the product.
import { readFileSync } from 'node:fs';
import { CATEGORY_WORDS, FeatureEngine, parseBatchHeader, ZONE_WORDS, type CompiledRuleSet, type ConsumerInput } from '../../engine/src/index.js';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import { formatDiagnostics } from '../../engine/src/rules/format.js';
import type { Group } from './cases.js';

export type CodeName = 'GREEN' | 'YELLOW' | 'RED' | 'GRAY';
export const CODE_NAMES: readonly CodeName[] = ['GREEN', 'YELLOW', 'RED', 'GRAY'];
/** ScoredBatch.codes: 1 GREEN, 2 YELLOW, 3 RED, 4 GRAY. */
const CODE_OF: Record<number, CodeName> = { 1: 'GREEN', 2: 'YELLOW', 3: 'RED', 4: 'GRAY' };

/** Compiles a rule-set file with the product's compiler; throws with the formatted diagnostics if it does not compile. */
export function loadRuleSet(file: string): CompiledRuleSet {
  const source = readFileSync(file, 'utf8');
  const { ruleSet, diagnostics } = compileRuleSet(source, { file });
  if (!ruleSet) throw new Error(`${file} does not compile:\n${formatDiagnostics(diagnostics, source, file)}`);
  return ruleSet;
}

export interface ScoredCase {
  readonly label: string;
  /** Features as the engine computed them, plus the attributes category, zone, capacity_kw, points_per_day. Features the rule set does not read are NaN unless `allFeatures`. */
  readonly row: Record<string, number>;
  readonly code: CodeName;
  readonly score: number;
  /** Ids of the fired rules, in the order of rules.md step 4 (ScoredBatch.reasons). */
  readonly reasons: string[];
  /** ScoredBatch.note: why the case is GRAY, or what is doubtful about its data (an unspecified category or zone, a 0 kW meter). */
  readonly note: string | undefined;
}

export interface ScoredGroup {
  readonly cases: ScoredCase[];
  /** rule id → cases it fired for (ScoredBatch.hits summed over the group's batches; GRAY cases never count). */
  readonly hits: Record<string, number>;
  readonly counts: Record<CodeName, number>;
}

export interface ScoreGroupsOptions {
  /** Compute every feature, not only those the rule set reads (for --features, --dump). */
  readonly allFeatures?: boolean;
  /** An engine already loaded (tests); one is loaded otherwise. */
  readonly engine?: FeatureEngine;
}

/**
 * Scores every case of every group. Consumers of one scoreConsumers call
 * share the batch header (points_per_day, start_date), so each group is
 * scored in one batch per start date.
 */
export async function scoreGroups(groups: readonly Group[], ruleSet: CompiledRuleSet, options: ScoreGroupsOptions = {}): Promise<Map<string, ScoredGroup>> {
  const engine = options.engine ?? (await FeatureEngine.load());
  const out = new Map<string, ScoredGroup>();
  for (const g of groups) {
    const cases: ScoredCase[] = new Array<ScoredCase>(g.cases.length);
    const hits: Record<string, number> = Object.fromEntries(ruleSet.rules.map((r) => [r.id, 0]));
    const byDate = new Map<string, number[]>();
    g.cases.forEach((c, i) => byDate.set(c.startDate, [...(byDate.get(c.startDate) ?? []), i]));
    for (const [startDate, indices] of byDate) {
      const header = parseBatchHeader(g.P, startDate);
      const consumers = indices.map((i): ConsumerInput => ({ loadKw: g.cases[i]!.loadKw, capacityKw: g.cases[i]!.capacityKw, category: CATEGORY_WORDS[g.category], zone: ZONE_WORDS[g.zone] }));
      const scored = engine.scoreConsumers(header, consumers, ruleSet, { allFeatures: options.allFeatures ?? false });
      ruleSet.rules.forEach((rule, r) => (hits[rule.id]! += scored.hits[r]!));
      indices.forEach((i, k) => {
        const c = g.cases[i]!;
        const row = scored.matrix.row(k);
        row.category = CATEGORY_WORDS[g.category];
        row.zone = ZONE_WORDS[g.zone];
        row.capacity_kw = c.capacityKw > 0 ? c.capacityKw : NaN;
        row.points_per_day = g.P;
        const code = CODE_OF[scored.codes[k]!];
        if (!code) throw new Error(`${g.name} ${c.label}: unknown code ${scored.codes[k]}`);
        cases[i] = { label: c.label, row, code, score: scored.scores[k]!, reasons: scored.reasons(k), note: scored.note(k) };
      });
    }
    const counts: Record<CodeName, number> = { GREEN: 0, YELLOW: 0, RED: 0, GRAY: 0 };
    for (const c of cases) counts[c.code]++;
    out.set(g.name, { cases, hits, counts });
  }
  return out;
}
