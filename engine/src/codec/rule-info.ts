// RuleInfo (shared/spec/api.md): what a reader needs to understand a code
// without the rule file. The same message describes the rules a
// ScoreBatchResponse names and every rule of a set in ListRuleSets, so both
// are built here from the compiled rule.
import type { gridcode } from '#gen/scoring.js';
import type { CompiledRule } from '../rules/program.js';
import { float32Json } from './float32-json.js';

export type RuleInfoProperties = gridcode.v1.RuleInfo.$Properties;

/**
 * The RuleInfo of a rule, with only what differs from the proto3 default set,
 * as the JSON writers and the encoder expect: a scoring rule's effect is "".
 */
export function ruleInfo(rule: CompiledRule): RuleInfoProperties {
  const info: RuleInfoProperties = { id: rule.id };
  if (rule.reason) info.reason = rule.reason;
  // The field is a float: the score as the shortest decimal of its float32, so
  // that the binary form, ruleInfoJson and a plain JSON.stringify (ListRuleSets)
  // all carry the same value. Scores are 0..100, so `> 0` also drops a `-0`.
  const score = Number(float32Json(rule.score));
  if (score > 0) info.score = score;
  if (rule.effect !== 'score') info.effect = rule.effect;
  if (rule.when) info.when = rule.when;
  return info;
}

/** The RuleInfos of the rules whose flag is set, in file order. */
export function ruleInfos(rules: readonly CompiledRule[], named: ArrayLike<number>): RuleInfoProperties[] {
  const out: RuleInfoProperties[] = [];
  rules.forEach((rule, r) => {
    if (named[r]) out.push(ruleInfo(rule));
  });
  return out;
}

/** Canonical proto3 JSON: lowerCamelCase names (all one word here), defaults left out. */
export function ruleInfoJson(info: RuleInfoProperties): string {
  const parts: string[] = [];
  if (info.id) parts.push(`"id":${JSON.stringify(info.id)}`);
  if (info.reason) parts.push(`"reason":${JSON.stringify(info.reason)}`);
  if (info.score != null && !Object.is(info.score, 0)) parts.push(`"score":${float32Json(info.score)}`);
  if (info.effect) parts.push(`"effect":${JSON.stringify(info.effect)}`);
  if (info.when) parts.push(`"when":${JSON.stringify(info.when)}`);
  return `{${parts.join(',')}}`;
}
