// The rule-set registry: the rule sets of a directory, kept loaded and current.
export { NoDefaultRuleSet, RuleSetRegistry, type RuleSetRegistryOptions } from './registry.js';
export { RuleSetSnapshot, ruleSetRef } from './snapshot.js';
export { compareVersions } from './version-order.js';
export { isRuleSetFileName, MAX_RULE_SET_BYTES } from './rule-set-files.js';
export type { CompileRuleSet, FileStatus, RegistryEvent, RegistryLogger } from './events.js';
