// One tuning step (`gridcode tune`): threshold suggestions first
// (threshold-search.ts), then scores learned on what the rules would fire
// for with the suggested numbers (learn-scores.ts), so that both describe the
// same proposed rule set. Pure: the caller scores the batch, reads the
// outcomes, splits off the held-out part and writes the new file.
import { learnScores, type LearnedScores, type ScoreOptions } from './learn-scores.js';
import { passes } from './cut-points.js';
import { suggestThresholds, type ThresholdSuggestion } from './threshold-search.js';
import type { TuneRule, TuneSite } from './tune-site.js';

export interface TuneOptions extends ScoreOptions {
  readonly seed: number;
  /** Whether a name of a `when` is a numeric feature whose values the sites carry. */
  readonly isFeature: (name: string) => boolean;
  /** Threshold suggestions (default true). */
  readonly suggest?: boolean;
}

export interface TuneResult extends LearnedScores {
  readonly suggestions: readonly ThresholdSuggestion[];
}

export function tune(sites: readonly TuneSite[], rules: readonly TuneRule[], options: TuneOptions): TuneResult {
  const suggestions = options.suggest === false ? [] : suggestThresholds(sites, rules, options);
  return { ...learnScores(withSuggestions(sites, suggestions), rules, options), suggestions };
}

/** The sites with each suggested rule fired only where its feature passes the new number too. */
export function withSuggestions(sites: readonly TuneSite[], suggestions: readonly ThresholdSuggestion[]): TuneSite[] {
  if (suggestions.length === 0) return [...sites];
  return sites.map((site) => {
    const dropped = suggestions.filter((s) => site.fired.has(s.rule) && !passes(site.values.get(s.cut.feature) ?? NaN, s.cut.op, s.to));
    if (dropped.length === 0) return site;
    const fired = new Set(site.fired);
    for (const s of dropped) fired.delete(s.rule);
    return { ...site, fired };
  });
}
