// What the checker says about a name that is not a readable value: an enum
// word used as a value, a name rules deliberately cannot read (group,
// district), a function not called, a misspelling, or a `corr_` name with no
// such template. Nothing at all for a `corr_` name when the rule set extends a
// base that could not be loaded: the error at `extends` covers it.
import { CORR_PREFIX } from '../../catalogue.js';
import { didYouMean } from './suggest.js';
import { ENUM_TYPES, ENUM_WORDS, FUNCTIONS, type Scope } from './scope.js';

/** Why `name` is unknown; undefined when it is not to be reported. */
export function unknownNameMessage(name: string, scope: Scope): string | undefined {
  // `unspecified` and `other` are words of both category and zone.
  const types = ENUM_TYPES.filter((type) => name in ENUM_WORDS[type]);
  if (types.length > 0) return `\`${name}\` is a ${types.join(' and ')} word, not a value: compare it, e.g. \`${types[0]} == ${name}\``;
  // followup.md: rules compare consumers through the peer features, never by naming a group.
  if (name === 'group') return '`group` is not an operand: a rule compares a consumer with its group through peer_count, peer_ratio and peer_corr, never by naming a group';
  // A district only sorts the results into inspectors' lists (decisions.md, 2026-12-05): a code must not depend on where the premises are.
  if (name === 'district') return '`district` is not an operand: it is only echoed in the result, so that lists can be split per district; a rule judges the load curve, never the district';
  if (name in FUNCTIONS) return `\`${name}\` is a function: call it, e.g. \`${name}(${FUNCTIONS[name]!.params.map((_, i) => 'xy'[i]).join(', ')})\``;
  const suggestion = didYouMean(name, scope.names());
  if (name.startsWith(CORR_PREFIX) && !suggestion) {
    // Maybe a template of the base that could not be loaded: the error at `extends` says so, once.
    if (scope.openTemplates) return undefined;
    const templates = scope.templateNames;
    const which = templates.length === 0 ? 'this rule set defines no templates' : `its templates are ${templates.join(', ')}`;
    return `unknown name \`${name}\`: there is no template \`${name.slice(CORR_PREFIX.length)}\` (${which})`;
  }
  return `unknown name \`${name}\`${suggestion || ': rules read the features of features.md and category, zone, capacity_kw, points_per_day, watch, baseline_kw'}`;
}
