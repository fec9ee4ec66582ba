// The reference daily profiles whose correlations become `corr_<name>` features.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TemplateError, TemplateSet, type CompiledRuleSet } from '../engine/src/index.js';
import { packageRoot } from '../engine/src/package-root.js';
import { compileRuleSet } from '../engine/src/rules/compile-rule-set.js';
import { formatDiagnostics } from '../engine/src/rules/format.js';
import { describeValue } from '../engine/src/codec/index.js';
import { describeFsError, InputError } from './errors.js';
import { JsonScanner, JsonSyntaxError } from './json-stream.js';

/** A templates file is a few kB; this guards against being handed a batch by mistake. */
const MAX_TEMPLATES_BYTES = 16 << 20;

/** The rule set whose templates `gridcode features` uses without --templates. */
export const DEFAULT_RULE_SET_FILE = join(packageRoot, 'rules', 'default.yaml');

/** The templates used without --templates: those of the default rule set, so that its corr_ features appear. */
export function defaultTemplates(file = DEFAULT_RULE_SET_FILE): TemplateSet {
  return defaultRuleSet(file).templates;
}

/** The default rule set as compiled (its templates; its min_valid_share, which says who is GRAY and so nobody's peer). */
export function defaultRuleSet(file = DEFAULT_RULE_SET_FILE): CompiledRuleSet {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(file, describeFsError(error));
  }
  const { ruleSet, diagnostics } = compileRuleSet(source, { file });
  if (!ruleSet) throw new InputError(file, `the default rule set does not compile:\n${formatDiagnostics(diagnostics, source, file)}`);
  return ruleSet;
}

/** A JSON object `{ name: [96 numbers], … }` (shape only: the scale does not matter). */
export function readTemplates(path: string): TemplateSet {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InputError(path, describeFsError(error));
  }
  if (bytes.length > MAX_TEMPLATES_BYTES) throw new InputError(path, `is ${bytes.length} bytes; a templates file is a JSON object of 96-number lists, a few kB`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new InputError(path, `invalid JSON${syntaxErrorAt(bytes) ?? `: ${(error as Error).message}`}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(path, `expected a JSON object mapping template names to lists of 96 numbers, got ${describeValue(value)}`);
  }
  try {
    return TemplateSet.from(value as Record<string, ArrayLike<unknown>>);
  } catch (error) {
    if (error instanceof TemplateError) throw new InputError(path, error.message);
    throw error;
  }
}

/** Where the JSON scanner finds the syntax error: " at line L, column C: what" (JSON.parse does not say where). */
function syntaxErrorAt(bytes: Uint8Array): string | undefined {
  const scanner = new JsonScanner({ member() {}, element() {} });
  try {
    scanner.feed(bytes);
    scanner.finish();
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) return undefined;
    const before = new TextDecoder().decode(bytes.subarray(0, error.offset));
    const lines = before.split('\n');
    return ` at line ${lines.length}, column ${lines[lines.length - 1]!.length + 1}: ${error.message}`;
  }
  return undefined;
}
