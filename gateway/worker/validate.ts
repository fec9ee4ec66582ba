// ValidateRuleSet: a draft rule set compiled, never loaded. Drafts are data:
// the source comes only from the request, and nothing is read from disk.
import { gridcode } from '#gen/scoring.js';
// Straight from the compiler's modules, not the engine's index: nothing this file reaches can read files (tests/rules/hostile-sources.test.ts).
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import { formatDiagnostic } from '../../engine/src/rules/format.js';
import { MAX_SOURCE_BYTES } from '../../engine/src/rules/limits.js';
import type { Serialization } from '../rpc/types.js';
import { ServiceError } from '../rpc/codes.js';

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();
/** The file name diagnostics are formatted with. */
const DRAFT_NAME = '<draft>';

export function validateRuleSet(bytes: Uint8Array, serialization: Serialization): Uint8Array {
  const source = draftSource(bytes, serialization);
  const length = encoder.encode(source).length;
  if (length > MAX_SOURCE_BYTES) throw new ServiceError('invalid_argument', `the draft is ${length} bytes; a rule set may have at most ${MAX_SOURCE_BYTES} bytes`);
  const { ruleSet, diagnostics, id, version } = compileRuleSet(source, { file: DRAFT_NAME });
  // proto3 JSON leaves default values out: `valid` only when true.
  const response: gridcode.v1.ValidateRuleSetResponse.$Properties = ruleSet !== undefined && diagnostics.length === 0 ? { valid: true } : {};
  if (diagnostics.length > 0) {
    response.errors = diagnostics.map((d) => {
      const error: gridcode.v1.RuleSetError.$Properties = { line: d.line, column: d.column, message: formatDiagnostic(d, source, DRAFT_NAME), code: d.code };
      if (d.rule !== undefined) error.rule = d.rule;
      return error;
    });
  }
  // A draft with errors still says which rule set it is, when its id and version are usable.
  if (id !== undefined) response.id = id;
  if (version !== undefined) response.version = version;
  if (ruleSet) response.ruleIds = ruleSet.rules.map((rule) => rule.id);
  const message = gridcode.v1.ValidateRuleSetResponse.fromObject(response);
  if (serialization === 'proto') return gridcode.v1.ValidateRuleSetResponse.encode(message).finish();
  return encoder.encode(JSON.stringify(gridcode.v1.ValidateRuleSetResponse.toObject(message, { defaults: false })));
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
