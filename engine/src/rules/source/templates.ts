// Reads `templates:` (name → 96 finite numbers) with a `bad_template`
// problem pointing at the exact bad name, list or value. The checks are those
// of TemplateSet.from, done here so that the caret lands on the value rather
// than on the whole file; a template whose values are bad still defines its
// name, so `corr_<name>` is not reported as unknown on top.
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { Span } from '../diagnostics.js';
import { MAX_TEMPLATES } from '../limits.js';
import { TEMPLATE_POINTS } from '../../templates.js';
import { spanOf, type NodeReader } from './nodes.js';

const TEMPLATE_NAME = /^[a-z][a-z0-9_]*$/;

/** Name → values in file order; a template with bad values maps to []. */
export function readTemplates(r: NodeReader, node: Node, span: Span): Map<string, number[]> {
  const templates = new Map<string, number[]>();
  const map = r.resolve(node);
  if (!isMap(map)) {
    r.report('schema', `\`templates\` must be a mapping of name to ${TEMPLATE_POINTS} numbers`, span);
    return templates;
  }
  if (map.items.length > MAX_TEMPLATES) {
    r.report('limit', `${map.items.length} templates; a rule set may define at most ${MAX_TEMPLATES}`, span);
    return templates;
  }
  for (const pair of (map as YAMLMap<unknown, unknown>).items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const keySpan = spanOf(pair.key as Node, span);
    if (!TEMPLATE_NAME.test(name)) {
      r.report('bad_template', `template name \`${name}\` must match [a-z][a-z0-9_]* so that corr_${name} is a feature name`, keySpan);
      continue;
    }
    templates.set(name, []);
    const seq = r.resolve(pair.value);
    if (!isSeq(seq)) {
      r.report('bad_template', `template \`${name}\` must be a list of ${TEMPLATE_POINTS} numbers`, r.valueSpan(pair, keySpan));
      continue;
    }
    if (seq.items.length !== TEMPLATE_POINTS) {
      r.report('bad_template', `template \`${name}\` has ${seq.items.length} values; it needs ${TEMPLATE_POINTS} (one per 15 minutes from midnight)`, spanOf(seq, keySpan));
      continue;
    }
    const values: number[] = [];
    for (const [i, item] of seq.items.entries()) {
      const value = r.resolve(item);
      if (isScalar(value) && typeof value.value === 'number' && Number.isFinite(value.value)) values.push(value.value);
      else {
        const shown = isScalar(value) ? String(value.source ?? value.value) : 'not a number';
        r.report('bad_template', `template \`${name}\` value ${i} is ${shown}; every value must be a finite number`, spanOf(value, keySpan));
        break;
      }
    }
    if (values.length === TEMPLATE_POINTS) templates.set(name, values);
  }
  return templates;
}
