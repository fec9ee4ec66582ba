// What each follow-up case (follow-up-cases.ts) does to the site it is built
// from: an edit of the site's day plan (home part, machines) before its
// readings are filled, and of its daily water after. Every value is drawn
// here, from the site's own stream, before the site is generated, so the
// underlying consumer's draws stay those of its kind. Why each case looks the
// way it does: follow-up.ts.
import type { FollowUpCase } from './follow-up-cases.js';
import type { DayPlan } from './generator.js';
import type { Prng } from './prng.js';

export interface Behaviour {
  /** Edits the day plan (undefined: the site behaves as its kind always did). */
  readonly plan?: (p: DayPlan) => void;
  /** Edits the daily water (m³, NaN = missing) after it was drawn for the kind. */
  readonly water?: (w: Float32Array) => void;
}

/** Sets the mean of the valid days of w[from, to) to `mean`, keeping each day's variation (a dry meter stays dry). */
function rescale(w: Float32Array, from: number, to: number, mean: (old: number) => number): void {
  let sum = 0;
  let n = 0;
  for (let d = from; d < to; d++) if (w[d]! >= 0) (sum += w[d]!), n++;
  if (n === 0 || sum === 0) return;
  const f = mean(sum / n) / (sum / n);
  for (let d = from; d < to; d++) w[d]! *= f;
}

/** A vacant site's water: a cistern, a dripping tap (m³/day). */
const vacantWater = (rng: Prng) => rng.range(0, 0.05);
/** A household's water (m³/day), as the generator draws it for homes. */
const homeWater = (rng: Prng) => rng.range(0.15, 0.6);

/**
 * The behaviour of a site of case `site` over a window of `days` days;
 * `since` is the Watch's since as a day of the window (negative: before it).
 */
export function behaviour(site: FollowUpCase, rng: Prng, days: number, since: number): Behaviour {
  // a relapse starts on a day of the window, or (one in four) before it
  const relapseDay = () => (rng.chance(0.25) ? 0 : rng.int(1, Math.max(1, days - 7)));
  switch (site.name) {
    case 'closed_relapse': {
      const standby = rng.range(0.01, 0.1);
      const from = relapseDay();
      const level = rng.range(0.7, 1); // a restart is often smaller than before
      const vacant = vacantWater(rng);
      return {
        plan: (p) => {
          for (let d = 0; d < days; d++) {
            p.standby(d, standby);
            p.machines[d] = d < from ? 0 : p.machines[d]! * level;
          }
        },
        water: (w) => rescale(w, 0, from, () => vacant),
      };
    }
    case 'closed_compliant': {
      const standby = rng.chance(0.2) ? 0 : rng.range(0.01, 0.1); // a fifth read exact zeros
      const vacant = vacantWater(rng);
      return {
        plan: (p) => {
          for (let d = 0; d < days; d++) p.standby(d, standby), (p.machines[d] = 0);
        },
        water: (w) => rescale(w, 0, days, () => vacant),
      };
    }
    case 'rectified_relapse': {
      const from = relapseDay();
      const level = rng.range(0.7, 1);
      const home = homeWater(rng);
      return {
        plan: (p) => {
          for (let d = 0; d < from; d++) p.machines[d] = 0;
          for (let d = from; d < days; d++) p.machines[d]! *= level;
        },
        water: (w) => rescale(w, 0, from, (m) => Math.min(m, home)),
      };
    }
    case 'rectified_compliant': {
      const home = homeWater(rng);
      return { plan: (p) => p.machines.fill(0), water: (w) => rescale(w, 0, days, (m) => Math.min(m, home)) };
    }
    case 'restricted_compliant': {
      const cut = rng.range(0, 0.3);
      const home = homeWater(rng);
      return {
        plan: (p) => {
          for (let d = since; d < days; d++) p.machines[d]! *= cut;
        },
        // the home's (or shop's) water stays, production water is cut as the machines are
        water: (w) => rescale(w, since, days, (m) => Math.min(m, home) + cut * Math.max(0, m - home)),
      };
    }
    case 'restricted_producing':
    case 'cleared':
      return {};
    default:
      throw new Error(`follow-up case ${site.name} has no behaviour`);
  }
}
