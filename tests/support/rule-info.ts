// What a RuleInfo should say about each rule of a rule set, read from the
// rule-set source with the `yaml` package rather than the compiler, so that
// the tests compare the server's RuleInfo with an independent reading.
import { parse } from 'yaml';

/** The five fields of a RuleInfo, proto3 defaults filled in (as a decoder gives them). */
export interface RuleInfoFields {
  readonly id: string;
  readonly reason: string;
  readonly score: number;
  readonly effect: string;
  readonly when: string;
}

interface YamlRule {
  id: string;
  when: string | number | boolean;
  score?: number;
  effect?: string;
  reason?: string;
}

function yamlRules(source: string): YamlRule[] {
  const rules = (parse(source) as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) throw new Error('the rule-set source has no `rules` list');
  return rules as YamlRule[];
}

/** Every rule of the source, in file order, as a decoded binary RuleInfo: the score as a float32. */
export function yamlRuleInfos(source: string): RuleInfoFields[] {
  return yamlRules(source).map((rule) => ({
    id: rule.id,
    reason: rule.reason === undefined ? '' : String(rule.reason),
    score: Math.fround(rule.score ?? 0),
    effect: rule.effect ?? '',
    when: String(rule.when),
  }));
}

/** A RuleInfo in canonical proto3 JSON: default values are left out. */
export interface RuleInfoJson {
  readonly id: string;
  readonly reason?: string;
  readonly score?: number;
  readonly effect?: string;
  readonly when: string;
}

/** Every rule of the source, in file order, as canonical proto3 JSON: defaults left out, the score as the file writes it. */
export function yamlRuleInfosJson(source: string): RuleInfoJson[] {
  return yamlRules(source).map((rule) => ({
    id: rule.id,
    ...(rule.reason ? { reason: String(rule.reason) } : {}),
    ...(rule.score ? { score: rule.score } : {}),
    ...(rule.effect ? { effect: rule.effect } : {}),
    when: String(rule.when),
  }));
}

/** The rules named in the reasons of `results`, each once, in the order of `rules` (file order). */
export function namedRules<T extends { readonly id?: string }>(rules: readonly T[], results: readonly { readonly reasons?: readonly string[] }[]): T[] {
  const named = new Set(results.flatMap((result) => result.reasons ?? []));
  return rules.filter((rule) => rule.id !== undefined && named.has(rule.id));
}

/** The five RuleInfo fields of a decoded message (without @bufbuild/protobuf's $typeName). */
export function ruleInfoFields(info: RuleInfoFields): RuleInfoFields {
  return { id: info.id, reason: info.reason, score: info.score, effect: info.effect, when: info.when };
}
