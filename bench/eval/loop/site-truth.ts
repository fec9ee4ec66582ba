// What an inspector finds at a generated site, and the loop's random draws
// (npm run eval -- --loop). The generator knows every consumer's kind
// (bench/population/kinds.ts), so a visit's outcome is its truth:
//   - a workshop kind (KINDS[k].suspect)                 → confirmed;
//   - a legitimate business on a non-residential account
//     (shop, restaurant, office, licensed factories:
//     category commercial or industrial, not a suspect)  → licensed: the load
//     is a business's, correctly registered, so no offence;
//   - a household                                        → not_found.
// unreachable (locked, refused) is drawn at a stated rate instead of the
// truth; the site stays on later lists. Every draw comes from its own seeded
// stream per (seed, round, consumer): the same run gives the same visits, and
// no draw moves another.
import { CATEGORY, KINDS } from '../../population/index.js';
import { consumerSeed, Prng } from '../../population/prng.js';
import type { Outcome } from '../../../engine/src/outcomes/index.js';

/** Salts of the loop's streams: never the generator's own consumer streams. */
const AUDIT_SALT = 0x0a0d_17ed;
const UNREACHABLE_SALT = 0x10c4_ed00;

/** The outcome of a visit to a consumer of kind `kind` that reached it. */
export function truthOutcome(kind: number): Exclude<Outcome, 'unreachable'> {
  const info = KINDS[kind];
  if (!info) throw new RangeError(`no kind ${kind}`);
  if (info.suspect) return 'confirmed';
  return info.category === CATEGORY.residential ? 'not_found' : 'licensed';
}

/** Whether consumer `index` is a workshop (the generator's label). */
export function isWorkshop(kind: number): boolean {
  return KINDS[kind]?.suspect === true;
}

function draw(salt: number, seed: number, round: number, index: number): number {
  return new Prng(consumerSeed((seed ^ salt ^ Math.imul(round, 0x01000193)) >>> 0, index)).next();
}

/** Whether consumer `index` is drawn for round `round`'s random audit (kept only if it is not flagged). */
export function auditDrawn(seed: number, round: number, index: number, rate: number): boolean {
  return rate > 0 && draw(AUDIT_SALT, seed, round, index) < rate;
}

/** What a visit in round `round` to consumer `index` of kind `kind` ends in. */
export function visitOutcome(seed: number, round: number, index: number, kind: number, unreachableRate: number): Outcome {
  if (unreachableRate > 0 && draw(UNREACHABLE_SALT, seed, round, index) < unreachableRate) return 'unreachable';
  return truthOutcome(kind);
}

/** District of consumer `index` of `consumers`: `districts` contiguous blocks of the population, D01, D02, … */
export function districtOf(index: number, consumers: number, districts: number): string {
  const d = Math.floor((index * districts) / consumers) + 1;
  return `D${String(d).padStart(Math.max(2, String(districts).length), '0')}`;
}
