// Counts of inspection outcomes over a set of sites (the sites a rule fired
// for, a code's, a district's, the listed ones) and the precision they give:
// confirmed ÷ decided, where decided = confirmed + not_found + licensed
// (outcome-words.ts: unreachable sites are counted, never in a precision),
// with its 95 % Wilson interval (wilson.ts).
import type { Outcome } from './outcome-words.js';
import { wilsonInterval } from './wilson.js';

/** A tally's counts and precision, as reports show them; null where nothing was decided. */
export interface PrecisionFigures {
  /** Sites with an outcome (unreachable ones too). */
  readonly outcomes: number;
  readonly decided: number;
  readonly confirmed: number;
  readonly notFound: number;
  readonly licensed: number;
  readonly unreachable: number;
  /** confirmed ÷ decided. */
  readonly precision: number | null;
  /** Its 95 % Wilson interval. */
  readonly low: number | null;
  readonly high: number | null;
}

export class Tally {
  confirmed = 0;
  notFound = 0;
  licensed = 0;
  unreachable = 0;

  add(outcome: Outcome): void {
    if (outcome === 'confirmed') this.confirmed++;
    else if (outcome === 'not_found') this.notFound++;
    else if (outcome === 'licensed') this.licensed++;
    else this.unreachable++;
  }

  get decided(): number {
    return this.confirmed + this.notFound + this.licensed;
  }

  figures(): PrecisionFigures {
    const decided = this.decided;
    const interval = wilsonInterval(this.confirmed, decided);
    return {
      outcomes: decided + this.unreachable,
      decided,
      confirmed: this.confirmed,
      notFound: this.notFound,
      licensed: this.licensed,
      unreachable: this.unreachable,
      precision: decided > 0 ? this.confirmed / decided : null,
      low: interval?.low ?? null,
      high: interval?.high ?? null,
    };
  }
}
