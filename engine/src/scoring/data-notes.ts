// Notes on results that are judged but on doubtful data: no silent GREEN
// (issue 12). A consumer sent without category or zone reads as unspecified
// (0), so every rule that tests `category == residential` quietly stays off
// for it, and a meter that read 0 kW all window has nothing a rule could
// fire on. Either way the code looks like a clean bill of health; the note
// says what was missing and which rules could not apply.
//
// GRAY notes (why a consumer could not be judged) come first and are never
// replaced. Every consumer costs a few typed-array reads; only those that
// need a note build a string.
import type { CompiledRuleSet } from '../rules/program.js';
import { Code } from './scored-batch.js';

/** The enum attributes whose 0 means "the upstream did not say", and what that means. */
const UNSPECIFIED: readonly { readonly attribute: 'category' | 'zone'; readonly missing: string }[] = [
  { attribute: 'category', missing: 'no account type from upstream' },
  { attribute: 'zone', missing: 'no zone from upstream' },
];

/** Rule ids a note lists for one attribute; the rest are counted, so that a note stays short. */
export const MAX_LISTED_RULES = 8;

/** One scored block, as the VM left it. All arrays are per consumer except `fired`. */
export interface DataNoteInputs {
  readonly count: number;
  readonly codes: Uint8Array;
  /** fired[r * count + c]: rule r fired for consumer c. */
  readonly fired: Uint8Array;
  /** Enum codes as the engine holds them (0 = unspecified). */
  readonly category: ArrayLike<number>;
  readonly zone: ArrayLike<number>;
  /** The max_kw column: 0 exactly when every valid reading was 0 kW (NaN without any). */
  readonly maxKw: ArrayLike<number>;
  /** Valid readings per consumer. */
  readonly valid: ArrayLike<number>;
}

/** Adds to `notes` the note of each judged (not GRAY) consumer whose account data is unspecified or whose meter read 0 kW throughout. */
export function addDataNotes(ruleSet: CompiledRuleSet, batch: DataNoteInputs, notes: Map<number, string>): void {
  const { count, codes } = batch;
  // Rules that read each attribute, file order: once per block, not per consumer.
  const checks = UNSPECIFIED.map(({ attribute, missing }) => ({
    attribute,
    missing,
    values: batch[attribute],
    readers: ruleSet.rules.flatMap((rule, r) => (rule.attributes.includes(attribute) ? [r] : [])),
  })).filter((check) => check.readers.length > 0);
  // Consumers with the same attributes missing and the same of their readers fired share one
  // note: a batch whose join failed wholesale builds a handful of strings, not one per consumer.
  const shared = new Map<number, string>();
  const cacheable = checks.every((check) => check.readers.length <= MASK_BITS);
  for (let c = 0; c < count; c++) {
    if (codes[c] === Code.gray || notes.has(c)) continue;
    const zeroMeter = batch.maxKw[c] === 0 && batch.valid[c]! > 0;
    let key = 0;
    for (let k = 0; k < checks.length; k++) {
      const check = checks[k]!;
      if (check.values[c] !== 0) continue;
      // 1 + the fired readers' bits, in a field of its own per attribute.
      key += (1 + firedMask(check.readers, batch.fired, count, c)) * 2 ** ((MASK_BITS + 1) * k);
    }
    if (key === 0 && !zeroMeter) continue;
    if (cacheable && !zeroMeter) {
      const known = shared.get(key);
      if (known !== undefined) {
        notes.set(c, known);
        continue;
      }
    }
    const parts: string[] = [];
    for (const check of checks) {
      if (check.values[c] === 0) parts.push(unspecifiedPart(ruleSet, check.attribute, check.missing, check.readers, batch.fired, count, c));
    }
    if (zeroMeter) parts.push(zeroMeterPart(batch.valid[c]!));
    const note = parts.join('; ');
    if (cacheable && !zeroMeter) shared.set(key, note);
    notes.set(c, note);
  }
}

/** Readers per attribute that a cache key can hold: two fields of 1 + MASK_BITS bits stay below 2^53. */
const MASK_BITS = 25;

/** Bit i set when readers[i] fired for consumer c. */
function firedMask(readers: readonly number[], fired: Uint8Array, count: number, c: number): number {
  let mask = 0;
  for (let i = 0; i < readers.length && i < MASK_BITS; i++) if (fired[readers[i]! * count + c]) mask += 2 ** i;
  return mask;
}

/** `category unspecified (…): 6 rules that read category did not fire: a, b, … and 2 more`. */
function unspecifiedPart(ruleSet: CompiledRuleSet, attribute: string, missing: string, readers: readonly number[], fired: Uint8Array, count: number, c: number): string {
  const listed: string[] = [];
  let missed = 0;
  for (const r of readers) {
    if (fired[r * count + c]) continue;
    if (++missed <= MAX_LISTED_RULES) listed.push(ruleSet.rules[r]!.id);
  }
  const head = `${attribute} unspecified (${missing})`;
  if (missed === 0) return `${head}: ${readers.length === 1 ? 'the rule that reads' : `all ${readers.length} rules that read`} ${attribute} fired`;
  const more = missed > listed.length ? ` and ${missed - listed.length} more` : '';
  return `${head}: ${missed} ${missed === 1 ? 'rule that reads' : 'rules that read'} ${attribute} did not fire: ${listed.join(', ')}${more}`;
}

function zeroMeterPart(valid: number): string {
  return `the meter read 0 kW for the whole window (${valid.toLocaleString('en-US')} valid reading${valid === 1 ? '' : 's'}): vacant premises, a disconnected supply or a stuck meter`;
}
