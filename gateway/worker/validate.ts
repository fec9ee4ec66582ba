// ValidateRuleSet: a draft rule set compiled, never loaded. Drafts are data:
// the source comes only from the request, and nothing is read from disk.
import { gridcode } from '#gen/scoring.js';
// Straight from the compiler's modules, not the engine's index: nothing this file reaches can read files (tests/rules/hostile-sources.test.ts).
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import type { Diagnostic } from '../../engine/src/rules/diagnostics.js';
import { formatDiagnostic } from '../../engine/src/rules/format.js';
import { MAX_SOURCE_BYTES } from '../../engine/src/rules/limits.js';
import type { Serialization } from '../rpc/types.js';

import { findLoaded, type ResolveBase } from '../../engine/src/rules/bases.js';
import { ServiceError } from '../rpc/codes.js';
import { catalogText, type RuleSetCatalog } from '../tasks/rule-set-catalog.js';

/** The loaded rule sets a draft's `extends` is looked up in (the task's catalog), and the caller's rights. */
export interface LoadedRuleSets {
  readonly catalog: Pick<RuleSetCatalog, 'sources' | 'entries'>;
  /** Whether the caller may use rule set `id` (gateway/tasks/catalog.ts mayUse). */
  mayUse(id: string): boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();
/** The file name diagnostics are formatted with. */
const DRAFT_NAME = '<draft>';

export function validateRuleSet(bytes: Uint8Array, serialization: Serialization, loaded?: LoadedRuleSets): Uint8Array {
  const source = draftSource(bytes, serialization);
  const length = encoder.encode(source).length;
  if (length > MAX_SOURCE_BYTES) throw new ServiceError('invalid_argument', `the draft is ${length} bytes; a rule set may have at most ${MAX_SOURCE_BYTES} bytes`);
  const { ruleSet, diagnostics, warnings, id, version } = compileRuleSet(source, { file: DRAFT_NAME, ...(loaded ? { resolve: catalogResolver(loaded) } : {}) });
  // proto3 JSON leaves default values out: `valid` only when true.
  const response: gridcode.v1.ValidateRuleSetResponse.$Properties = ruleSet !== undefined && diagnostics.length === 0 ? { valid: true } : {};
  const toMessage = (d: Diagnostic): gridcode.v1.RuleSetError.$Properties => {
    const error: gridcode.v1.RuleSetError.$Properties = { line: d.line, column: d.column, message: formatDiagnostic(d, source, DRAFT_NAME), code: d.code };
    if (d.rule !== undefined) error.rule = d.rule;
    return error;
  };
  if (diagnostics.length > 0) response.errors = diagnostics.map(toMessage);
  // Warnings never make a draft invalid (field 6, added in issue 15: old clients skip it).
  if (warnings.length > 0) response.warnings = warnings.map(toMessage);
  // A draft with errors still says which rule set it is, when its id and version are usable.
  if (id !== undefined) response.id = id;
  if (version !== undefined) response.version = version;
  if (ruleSet) response.ruleIds = ruleSet.rules.map((rule) => rule.id);
  const message = gridcode.v1.ValidateRuleSetResponse.fromObject(response);
  if (serialization === 'proto') return gridcode.v1.ValidateRuleSetResponse.encode(message).finish();
  return encoder.encode(JSON.stringify(gridcode.v1.ValidateRuleSetResponse.toObject(message, { defaults: false })));
}

/**
 * `extends: id@version` as the registry finds it when the file is loaded:
 * among all loaded rule sets and the bases they carry (engine/src/rules/bases.ts
 * findLoaded), so a draft that validates loads, and one that loads validates.
 * But a caller never learns of a rule set it may not use (issue 16): the
 * draft's own base must be one it may use, and one it may not use is an
 * unknown base in the same words as one that does not exist. A base's own
 * base is not checked: the base's text, which the caller may read, names it.
 */
function catalogResolver({ catalog, mayUse }: LoadedRuleSets): ResolveBase {
  const resolve = (ref: string, depth: number) => {
    if (depth === 1 && !mayUse(ref.split('@')[0]!)) return undefined;
    const found = findLoaded(ref, catalog.entries, (e) => `${e.id}@${e.version}`, (e) => e.bases);
    if (!found) return undefined;
    const { start, end } = 'base' in found ? found.base : found.ruleSet;
    return { ref, source: catalogText(catalog, start, end) };
  };
  return Object.assign(resolve, { where: 'no rule set with that id and version that this caller may use is loaded' });
}

function draftSource(bytes: Uint8Array, serialization: Serialization): string {
  if (serialization === 'proto') {
    try {
      return gridcode.v1.ValidateRuleSetRequest.decode(bytes).source;
    } catch (error) {
      throw new ServiceError('invalid_argument', `malformed protobuf ValidateRuleSetRequest: ${(error as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new ServiceError('invalid_argument', `the request is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ServiceError('invalid_argument', 'the request must be a JSON object (a ValidateRuleSetRequest)');
  let source = '';
  for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
    if (name !== 'source') throw new ServiceError('invalid_argument', `unknown field ${JSON.stringify(name)}; a ValidateRuleSetRequest has source`);
    if (member !== null && typeof member !== 'string') throw new ServiceError('invalid_argument', 'source: expected a string');
    source = member ?? '';
  }
  return source;
}
