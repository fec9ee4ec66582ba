// The reference daily profiles whose correlations become `corr_<name>` features.
import { readFileSync } from 'node:fs';
import { TemplateError, TemplateSet } from '../engine/src/index.js';
import { describeFsError, describeValue, InputError } from './errors.js';
import { JsonScanner, JsonSyntaxError } from './json-stream.js';

/** A templates file is a few kB; this guards against being handed a batch by mistake. */
const MAX_TEMPLATES_BYTES = 16 << 20;

/**
 * The templates used without --templates: those of the default rule set.
 * There is no rule set yet; the rules issue will load `rules/default.yaml`
 * here and return its templates. Until then: no templates, no corr_ features.
 */
export function defaultTemplates(): TemplateSet {
  return TemplateSet.empty;
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
