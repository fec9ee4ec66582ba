// The consumers of the analysis: every real curve of ../shared/data put on an
// account (category, zone, capacity) and cut into 30-day windows plus the full
// year. Each group is one line of the expected-code table in
// docs/default-rule-set.md.
import {
  addDays, bdew1999, bdew1999Year, bdew2025, bdew2025Year, BDEW_1999_PROFILES, cambridgeBuildings, doeBuildings,
  londonHouseholds, scaleToAnnual, steelPlant, vdiProfile, VDI_FILES, type VdiName,
} from './data.js';
import type { CATEGORY_WORDS, ZONE_WORDS } from '../../engine/src/index.js';

/** Enum words of the rule language (the product's, engine/src/rules/program.ts). */
export type Category = keyof typeof CATEGORY_WORDS;
export type Zone = keyof typeof ZONE_WORDS;

export interface Case {
  /** e.g. `MAC000002 days 0–29` */
  readonly label: string;
  readonly startDate: string;
  readonly loadKw: Float32Array;
  readonly capacityKw: number;
}

export interface Group {
  readonly name: string;
  readonly description: string;
  readonly P: 24 | 48 | 96;
  readonly category: Category;
  readonly zone: Zone;
  /** What the default rule set must give: `green` = nothing RED, few YELLOW; `flag` = never GREEN; `info` = reported only. */
  readonly expect: 'green' | 'flag' | 'info';
  readonly cases: Case[];
}

/** 30-day windows starting at days 0, 30, …, 330 (12 per year). */
export const WINDOW_STARTS = Array.from({ length: 12 }, (_, k) => 30 * k);
export const WINDOW_DAYS = 30;

/** The 12 windows and the full 365-day year of one yearly curve (P readings a day). */
function windowsAndYear(id: string, values: Float64Array, P: number, startDate: string, capacityKw = 0, windows = true): Case[] {
  const out: Case[] = [];
  if (windows) {
    for (const first of WINDOW_STARTS) {
      out.push({ label: `${id} days ${first}–${first + WINDOW_DAYS - 1}`, startDate: addDays(startDate, first), loadKw: Float32Array.from(values.subarray(first * P, (first + WINDOW_DAYS) * P)), capacityKw });
    }
  }
  out.push({ label: `${id} year`, startDate, loadKw: Float32Array.from(values.subarray(0, 365 * P)), capacityKw });
  return out;
}

const WORKSHOPS: VdiName[] = ['LP_G_MV', 'LP_G_G', 'LP_G_MH'];
const HOUSEHOLDS: VdiName[] = ['LP_W_W', 'LP_W_EFH', 'LP_W_MFH_k', 'LP_W_MFH_m', 'LP_W_MFH_g'];

/** A curve plus a charger of `kw` running from hour `from` to hour `to` every day. */
function withNightCharging(values: Float64Array, P: number, kw: number, from: number, to: number): Float64Array {
  return values.map((v, t) => {
    const hour = ((t % P) * 24) / P;
    return hour >= from && hour < to ? v + kw : v;
  });
}

/** The curve moved `slots` later in time (wrapping around the year). */
function rotate(values: Float64Array, slots: number): Float64Array {
  return values.map((_, t) => values[(t - slots + values.length) % values.length]!);
}

/**
 * A London household (P = 48, from 2013-01-01, a Tuesday) with a machine on
 * some weekdays: the production part of the VDI metal-processing day (the day
 * less its own night base, kW at P = 96, from 2018-01-01, a Monday) of the
 * same weekday, averaged to half hours, on 4 in 10 weekdays picked by a fixed
 * hash of (household, day). Machines on top of a real household curve.
 */
function withMachineSomeDays(home: Float64Array, metal: Float64Array, household: number): Float64Array {
  const out = Float64Array.from(home);
  for (let day = 0; day < 364; day++) {
    const weekday = (1 + day) % 7; // Monday = 0
    if (weekday >= 5 || ((household * 7919 + day * 104729) % 1000) / 1000 >= 0.4) continue;
    const source = (day + 1) * 96; // 2018 day day+1 has the same weekday as 2013 day `day`
    let base = Infinity;
    for (let s = 0; s < 96; s++) base = Math.min(base, metal[source + s]!);
    for (let s = 0; s < 48; s++) {
      const machine = (metal[source + 2 * s]! + metal[source + 2 * s + 1]!) / 2 - base;
      out[day * 48 + s] = out[day * 48 + s]! + machine;
    }
  }
  return out;
}

/** BDEW H0 1999, 2019 calendar, dynamised, at 3,500 kWh/a (kW, P = 96). */
function b1999Households(): Float64Array | undefined {
  const days = bdew1999()?.get('H0');
  return days ? scaleToAnnual(bdew1999Year(days, 2019, true), 0.25, 3_500) : undefined;
}

export function buildGroups(): Group[] {
  const groups: Group[] = [];
  const add = (g: Omit<Group, 'cases'>, cases: Case[]) => {
    if (cases.length) groups.push({ ...g, cases });
  };

  // London households: the false-positive population that matters most.
  const london = londonHouseholds();
  if (london) {
    const all = [...london];
    add({ name: 'london-30d', description: 'LCL London households 2013, 100 × 12 windows of 30 days, P = 48, kW = 2 × kWh/hh', P: 48, category: 'residential', zone: 'residential_area', expect: 'green' },
      all.flatMap(([id, v]) => windowsAndYear(id, v, 48, '2013-01-01').slice(0, 12)));
    add({ name: 'london-year', description: 'LCL London households, the full year 2013 (365 days)', P: 48, category: 'residential', zone: 'residential_area', expect: 'green' },
      all.map(([id, v]) => windowsAndYear(id, v, 48, '2013-01-01', 0, false)[0]!));
    // the same households with a contracted capacity typical of a Chinese flat (8 kW), to see capacity_util
    add({ name: 'london-30d-8kw', description: 'the same 1,200 windows with capacity_kw = 8 (a typical residential contract)', P: 48, category: 'residential', zone: 'residential_area', expect: 'green' },
      all.flatMap(([id, v]) => windowsAndYear(id, v, 48, '2013-01-01', 8).slice(0, 12)));
  }

  // Constructed from a real curve: every London window plus a 7 kW car charger running 00:00–04:00 every night
  // (28 kWh a night, a full charge of a mid-size EV): night charging alone must not look like night production.
  if (london) {
    add({ name: 'london-ev-30d', description: 'the 1,200 London windows + a 7 kW EV charger 00:00–04:00 every night (constructed)', P: 48, category: 'residential', zone: 'residential_area', expect: 'green' },
      [...london].flatMap(([id, v]) => windowsAndYear(id, withNightCharging(v, 48, 7, 0, 4), 48, '2013-01-01').slice(0, 12)));
  }

  // Cambridge university buildings: non-residential, big, diverse.
  const cambridge = cambridgeBuildings();
  if (cambridge) {
    const all = [...cambridge];
    add({ name: 'cambridge-30d', description: 'Cambridge Estates buildings 2019, 101 × 12 windows of 30 days, P = 24, kW = kWh/h, as commercial in a commercial area', P: 24, category: 'commercial', zone: 'commercial_area', expect: 'info' },
      all.flatMap(([id, v]) => windowsAndYear(id, v, 24, '2019-01-01').slice(0, 12)));
    add({ name: 'cambridge-year', description: 'Cambridge buildings, the full year 2019, as commercial in a commercial area', P: 24, category: 'commercial', zone: 'commercial_area', expect: 'info' },
      all.map(([id, v]) => windowsAndYear(id, v, 24, '2019-01-01', 0, false)[0]!));
    add({ name: 'cambridge-30d-other', description: 'the same 1,212 windows as category other, zone other', P: 24, category: 'other', zone: 'other', expect: 'info' },
      all.flatMap(([id, v]) => windowsAndYear(id, v, 24, '2019-01-01').slice(0, 12)));
  }

  // Real factory curves on a residential account in a residential area: must be flagged.
  const steel = steelPlant();
  if (steel) {
    add({ name: 'steel-residential', description: 'DAEWOO steel plant 2018 at its real size (mean 110 kW), P = 96, kW = 4 × kWh/15 min, as residential in a residential area', P: 96, category: 'residential', zone: 'residential_area', expect: 'flag' },
      windowsAndYear('steel', steel, 96, '2018-01-01'));
    add({ name: 'steel-residential-100mwh', description: 'the steel plant scaled to 100,000 kWh/a (mean 11.4 kW), residential account', P: 96, category: 'residential', zone: 'residential_area', expect: 'flag' },
      windowsAndYear('steel@100MWh', scaleToAnnual(steel, 0.25, 100_000), 96, '2018-01-01'));
    add({ name: 'steel-park', description: 'the steel plant at its real size as a licensed industrial account in an industrial park', P: 96, category: 'industrial', zone: 'industrial_park', expect: 'green' },
      windowsAndYear('steel', steel, 96, '2018-01-01'));
  }

  const vdi = new Map(Object.keys(VDI_FILES).map((n) => [n, vdiProfile(n as VdiName)] as const));
  const vdiCases = (names: VdiName[], annualKwh: number, capacityKw = 0) =>
    names.flatMap((n) => {
      const p = vdi.get(n);
      return p ? windowsAndYear(`${n}@${annualKwh / 1000}MWh`, scaleToAnnual(p.values, 0.25, annualKwh), 96, p.startDate, capacityKw) : [];
    });
  add({ name: 'vdi-workshops-residential-50mwh', description: 'VDI metal processing, electroplating, furniture shop scaled to 50,000 kWh/a (mean 5.7 kW), residential account', P: 96, category: 'residential', zone: 'residential_area', expect: 'flag' }, vdiCases(WORKSHOPS, 50_000));
  add({ name: 'vdi-workshops-residential-200mwh', description: 'the same at 200,000 kWh/a (mean 22.8 kW)', P: 96, category: 'residential', zone: 'residential_area', expect: 'flag' }, vdiCases(WORKSHOPS, 200_000));
  add({ name: 'vdi-workshops-residential-50mwh-8kw', description: 'the 50,000 kWh/a workshops with capacity_kw = 8 (a residential contract)', P: 96, category: 'residential', zone: 'residential_area', expect: 'flag' }, vdiCases(WORKSHOPS, 50_000, 8));
  add({ name: 'vdi-workshops-residential-20mwh', description: 'the same at 20,000 kWh/a (mean 2.3 kW): a very small workshop', P: 96, category: 'residential', zone: 'residential_area', expect: 'flag' }, vdiCases(WORKSHOPS, 20_000));
  add({ name: 'vdi-workshops-rural-industrial', description: 'the same at 500,000 kWh/a as an industrial account in a rural zone (outside a park)', P: 96, category: 'industrial', zone: 'rural', expect: 'info' }, vdiCases(WORKSHOPS, 500_000));
  add({ name: 'vdi-workshops-park', description: 'the same at 500,000 kWh/a as a licensed industrial account in an industrial park', P: 96, category: 'industrial', zone: 'industrial_park', expect: 'green' }, vdiCases(WORKSHOPS, 500_000));
  // Constructed from real workshop curves: the metal-processing day shift moved to the night (12 h later), and
  // a workshop that restarts after a quiet period (first 10 days of each window: a BDEW H0 household at 3,500 kWh/a).
  const mv = vdi.get('LP_G_MV');
  if (mv) {
    add({ name: 'vdi-metal-nightshift-residential', description: 'VDI metal processing shifted by 12 h (production 19:00–05:00) at 50,000 kWh/a, residential (constructed)', P: 96, category: 'residential', zone: 'residential_area', expect: 'flag' },
      windowsAndYear('LP_G_MV+12h@50MWh', rotate(scaleToAnnual(mv.values, 0.25, 50_000), 48), 96, mv.startDate));
    if (london) {
      const metal = scaleToAnnual(mv.values, 0.25, 20_000);
      add({ name: 'london-metal-some-days', description: 'each London window + the metal-processing machines (VDI LP_G_MV at 20,000 kWh/a, production part only) on 4 in 10 weekdays (constructed)', P: 48, category: 'residential', zone: 'residential_area', expect: 'info' },
        [...london].flatMap(([id, v], i) => windowsAndYear(`${id}+metal`, withMachineSomeDays(v, metal, i), 48, '2013-01-01').slice(0, 12)));
    }
    const h0 = b1999Households();
    if (h0) {
      const restart = (annualKwh: number) => {
        const work = scaleToAnnual(mv.values, 0.25, annualKwh);
        return windowsAndYear(`LP_G_MV restart@${annualKwh / 1000}MWh`, work, 96, mv.startDate).slice(0, 12).map((c, k) => {
          const first = WINDOW_STARTS[k]! * 96;
          const load = Float32Array.from(c.loadKw);
          for (let t = 0; t < 10 * 96; t++) load[t] = h0[(first + t) % h0.length]!;
          return { ...c, label: `${c.label} (quiet 10 d)`, loadKw: load };
        });
      };
      add({ name: 'vdi-metal-restart-residential', description: 'VDI metal processing windows whose first 10 days are a household (quiet), then production at 50,000 and 20,000 kWh/a, residential (constructed)', P: 96, category: 'residential', zone: 'residential_area', expect: 'flag' },
        [...restart(50_000), ...restart(20_000)]);
    }
  }
  add({ name: 'vdi-households', description: 'VDI flat, single-family house, multi-family houses (small/medium/big) scaled to 3,500 kWh/a, residential', P: 96, category: 'residential', zone: 'residential_area', expect: 'green' }, vdiCases(HOUSEHOLDS, 3_500));
  add({ name: 'vdi-heat-pump', description: 'VDI LP_WP (heat pump) scaled to 3,500 kWh/a, residential', P: 96, category: 'residential', zone: 'residential_area', expect: 'info' }, vdiCases(['LP_WP'], 3_500));
  add({ name: 'vdi-offices', description: 'VDI offices small/medium at 100,000 kWh/a, commercial in a commercial area', P: 96, category: 'commercial', zone: 'commercial_area', expect: 'green' }, vdiCases(['LP_Oe_Buero_k', 'LP_Oe_Buero_m'], 100_000));
  add({ name: 'vdi-schools', description: 'VDI schools small/medium/big at 200,000 kWh/a, category other, zone other', P: 96, category: 'other', zone: 'other', expect: 'green' }, vdiCases(['LP_Oe_Schule_k', 'LP_Oe_Schule_m', 'LP_Oe_Schule_g'], 200_000));

  // BDEW standard load profiles as calendar years 2019 (no holidays).
  const b1999 = bdew1999();
  const b2025 = { h25: bdew2025('h25'), g25: bdew2025('g25'), l25: bdew2025('l25') };
  const slp = (id: string, annualKwh: number, capacityKw = 0): Case[] => {
    let year: Float64Array | undefined;
    if (id in b2025) {
      const days = b2025[id as keyof typeof b2025];
      if (days) year = bdew2025Year(days, 2019, id === 'h25');
    } else if (b1999?.get(id)) year = bdew1999Year(b1999.get(id)!, 2019, id === 'H0');
    return year ? windowsAndYear(`${id}@${annualKwh / 1000}MWh`, scaleToAnnual(year, 0.25, annualKwh), 96, '2019-01-01', capacityKw) : [];
  };
  add({ name: 'bdew-households', description: 'BDEW H0 (1999) and H25 (2025), dynamised, 2019 calendar, 3,500 kWh/a, residential', P: 96, category: 'residential', zone: 'residential_area', expect: 'green' }, [...slp('H0', 3_500), ...slp('h25', 3_500)]);
  add({ name: 'bdew-commercial', description: 'BDEW G0–G6 (1999) and G25, 30,000 kWh/a, commercial in a commercial area', P: 96, category: 'commercial', zone: 'commercial_area', expect: 'info' }, [...BDEW_1999_PROFILES.filter((p) => p.startsWith('G')).flatMap((p) => slp(p, 30_000)), ...slp('g25', 30_000)]);
  add({ name: 'bdew-agricultural', description: 'BDEW L0–L2 (1999) and L25, 30,000 kWh/a, agricultural in a rural zone', P: 96, category: 'agricultural', zone: 'rural', expect: 'green' }, [...['L0', 'L1', 'L2'].flatMap((p) => slp(p, 30_000)), ...slp('l25', 30_000)]);
  add({ name: 'bdew-g1-residential', description: 'BDEW G1 (workday 8–18: offices, workshops) at 20,000 kWh/a on a residential account', P: 96, category: 'residential', zone: 'residential_area', expect: 'info' }, slp('G1', 20_000));

  // DOE reference buildings (SIMULATED): sanity only. TMY year; 2006 calendar assumed (1 January a Sunday).
  const doe = doeBuildings();
  if (doe) {
    const all = [...doe];
    const res = all.filter(([id]) => id.startsWith('Residential'));
    const com = all.filter(([id]) => !id.startsWith('Residential') && id !== 'MidriseApartment');
    add({ name: 'doe-commercial', description: 'DOE reference commercial buildings (SIMULATED), 15 types, commercial in a commercial area, P = 24', P: 24, category: 'commercial', zone: 'commercial_area', expect: 'info' }, com.flatMap(([id, v]) => windowsAndYear(id, v, 24, '2006-01-01')));
    add({ name: 'doe-residential', description: 'DOE residential BASE/HIGH/LOW (SIMULATED), residential, P = 24', P: 24, category: 'residential', zone: 'residential_area', expect: 'green' }, res.flatMap(([id, v]) => windowsAndYear(id, v, 24, '2006-01-01')));
  }
  return groups;
}
