// Cells of a CSV meter export for the property tests of the readers (wide,
// long, daylight saving): a plan of each cell, its text in the file for a
// separator, and what the reader must make of it (cli/csv/cells.ts).
import fc from 'fast-check';

/** A cell as planned: its text in the file and what it must read as. */
export type CellPlan = { t: 'num'; k: number; style: 'dot' | 'comma' | 'exp' } | { t: 'empty'; spaces: boolean } | { t: 'bad'; text: string };
/** A number (kWh, Wh or kW as written), or a missing reading: empty or not a number. */
export type CellExpected = number | 'empty' | 'bad';

/** Numbers k/1000 (some negative) written three ways, now and then an empty cell or one that is not a number. */
export const cellPlan: fc.Arbitrary<CellPlan> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('num' as const), k: fc.integer({ min: -2000, max: 5_000_000 }), style: fc.constantFrom('dot' as const, 'dot' as const, 'comma' as const, 'exp' as const) }), weight: 10 },
  { arbitrary: fc.record({ t: fc.constant('empty' as const), spaces: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('bad' as const), text: fc.constantFrom('NA', 'null', 'Null', 'n/a', '-', '12kW', 'NaN', '"x"', '1,5') }), weight: 1 },
);

/** A cell's text with separator `sep`, and its meaning (a decimal comma is read only with ;, and then a dot is not: it may be a thousands separator). */
export function renderCell(plan: CellPlan, sep: string): { text: string; expected: CellExpected } {
  if (plan.t === 'empty') return { text: plan.spaces ? '  ' : '', expected: 'empty' };
  if (plan.t === 'bad') return { text: plan.text, expected: plan.text === '1,5' && sep === ';' ? 1.5 : 'bad' };
  const value = plan.k / 1000;
  if (plan.style === 'exp') return { text: `${plan.k}e-3`, expected: value };
  if (plan.style === 'dot') return { text: String(value), expected: String(value).includes('.') && sep === ';' ? 'bad' : value };
  const text = String(value).replace('.', ',');
  return { text, expected: text.includes(',') && sep !== ';' ? 'bad' : value };
}

/** A field quoted as CSV when it must be. */
export function quote(text: string, sep: string): string {
  return text.includes(sep) || text.includes('"') || text.includes('\n') ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Equal as stored readings: the same number, or both NaN. */
export const sameBits = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
