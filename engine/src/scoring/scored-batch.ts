import type { FeatureMatrix } from '../matrix.js';
import type { CompiledRuleSet } from '../rules/program.js';

/** Codes of the proto's `Code` enum. */
export const Code = { green: 1, yellow: 2, red: 3, gray: 4 } as const;

export interface Evidence {
  readonly rule: string;
  /** The numeric features and attributes the rule's expression read. */
  readonly values: Record<string, number>;
}

/**
 * A batch scored with one rule set. Codes, scores, fired flags and hits are
 * copies; `matrix` views engine memory and is valid until the engine's next batch.
 */
export class ScoredBatch {
  constructor(
    readonly ruleSet: CompiledRuleSet,
    readonly count: number,
    readonly codes: Uint8Array,
    readonly scores: Float64Array,
    /** fired[r * count + c] is 1 when rule r fired for consumer c (never for GRAY ones). */
    readonly fired: Uint8Array,
    /** Consumers each rule fired for, by rule index. */
    readonly hits: Int32Array,
    /** Why consumer c is GRAY; for a judged one, what is doubtful about its data (data-notes.ts). Absent when there is nothing to say. */
    readonly notes: ReadonlyMap<number, string>,
    readonly matrix: FeatureMatrix,
    /** Account values per consumer that rules read, for evidence. */
    private readonly accounts: AccountValues,
  ) {}

  note(c: number): string | undefined {
    return this.notes.get(c);
  }

  /** Ids of the rules that fired for consumer c, in the order of rules.md step 4. */
  reasons(c: number): string[] {
    const out: string[] = [];
    for (const r of this.ruleSet.reasonOrder) if (this.fired[r * this.count + c]) out.push(this.ruleSet.rules[r]!.id);
    return out;
  }

  /** For each fired rule (reason order), the values its expression read. */
  evidence(c: number): Evidence[] {
    const out: Evidence[] = [];
    for (const r of this.ruleSet.reasonOrder) {
      if (!this.fired[r * this.count + c]) continue;
      const rule = this.ruleSet.rules[r]!;
      const values: Record<string, number> = {};
      for (const name of rule.reads) values[name] = this.readValue(c, name);
      out.push({ rule: rule.id, values });
    }
    return out;
  }

  summary(): { total: number; green: number; yellow: number; red: number; gray: number; ruleHits: Record<string, number> } {
    const counts = [0, 0, 0, 0, 0];
    for (const code of this.codes) counts[code]!++;
    const ruleHits: Record<string, number> = {};
    this.ruleSet.rules.forEach((rule, r) => {
      if (this.hits[r]) ruleHits[rule.id] = this.hits[r]!;
    });
    return { total: this.count, green: counts[1]!, yellow: counts[2]!, red: counts[3]!, gray: counts[4]!, ruleHits };
  }

  private readValue(c: number, name: string): number {
    if (name === 'capacity_kw') return this.accounts.capacity[c]!;
    if (name === 'baseline_kw') return knownBaseline(this.accounts.baseline[c]!);
    if (name === 'points_per_day') return this.accounts.pointsPerDay;
    return this.matrix.value(c, name);
  }
}

/** The numeric attributes rules read besides the features: capacity_kw and baseline_kw as sent (float32), points_per_day. */
export interface AccountValues {
  readonly capacity: Float32Array;
  readonly baseline: Float32Array;
  readonly pointsPerDay: number;
}

/** baseline_kw as the rule VM reads it (engine/assembly/rules/vm.ts): unknown (≤ 0, NaN, ±Inf) is NaN. */
function knownBaseline(kw: number): number {
  return kw > 0 && kw < Infinity ? kw : NaN;
}
