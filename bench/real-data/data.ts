// Readers for the real load data in ../shared/data (never copied into the
// repo). Every function returns curves already in average kW per interval,
// the unit features.md expects; the unit conversions are those stated in each
// folder's PROVENANCE.md.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** The repository: the nearest folder above this file with a package.json (works from bench/ and from dist/bench/). */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}
export const repoRoot = findRepoRoot();
/** `../shared/data` relative to the repository. */
export const dataRoot = path.resolve(repoRoot, '..', 'shared', 'data');

export function dataFile(...parts: string[]): string | undefined {
  const file = path.join(dataRoot, ...parts);
  return existsSync(file) ? file : undefined;
}

/** Exits with a clear message when the data are absent: these scripts are analysis, not tests. */
export function requireData(): void {
  if (!existsSync(path.join(dataRoot, 'INDEX.md'))) {
    console.log(`real data not found at ${dataRoot}: nothing to analyse (skipped). The scripts read ../shared/data relative to the repository.`);
    process.exit(0);
  }
}

function text(file: string): string {
  const bytes = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').replace(/^\uFEFF/, '');
}

function lines(file: string): string[] {
  return text(file).split(/\r?\n/).filter((l) => l.length > 0);
}

export interface WideTable {
  readonly timestamps: string[];
  /** column name → values in row order; an empty cell is NaN */
  readonly columns: Map<string, Float64Array>;
}

/** A CSV whose first column is a timestamp and the others numbers. */
export function readWide(file: string): WideTable {
  const all = lines(file);
  const header = all[0]!.split(',');
  const rows = all.length - 1;
  const columns = new Map<string, Float64Array>();
  for (let i = 1; i < header.length; i++) columns.set(header[i]!, new Float64Array(rows));
  const timestamps: string[] = [];
  const cols = [...columns.values()];
  for (let r = 0; r < rows; r++) {
    const cells = all[r + 1]!.split(',');
    timestamps.push(cells[0]!);
    for (let i = 1; i < header.length; i++) {
      const cell = (cells[i] ?? '').trim();
      cols[i - 1]![r] = cell === '' ? NaN : Number(cell);
    }
  }
  return { timestamps, columns };
}

/** LCL London 2013: 100 households, P = 48, kWh per half hour → kW = 2 × kWh. Starts 2013-01-01. */
export function londonHouseholds(): Map<string, Float64Array> | undefined {
  const file = dataFile('lcl_london_households_2013', 'lcl_100hh_2013_halfhourly_kwh_wide.csv.gz');
  if (!file) return undefined;
  const table = readWide(file);
  for (const values of table.columns.values()) for (let i = 0; i < values.length; i++) values[i]! *= 2;
  return table.columns;
}

/** Cambridge Estates 2019: 101 buildings, P = 24, kWh per hour = kW. Starts 2019-01-01. */
export function cambridgeBuildings(): Map<string, Float64Array> | undefined {
  const file = dataFile('cambridge_estates_buildings', 'electricity_hourly_2019_wide.csv.gz');
  return file ? readWide(file).columns : undefined;
}

/**
 * DAEWOO steel plant 2018: P = 96, kWh per 15 min → kW = 4 × kWh. Rows are
 * labelled by interval end (the 96th row of a day carries the same date at
 * 0:00), so file order is already time order from 2018-01-01 00:00.
 */
export function steelPlant(): Float64Array | undefined {
  const file = dataFile('steel_industry_daewoo_2018', 'Steel_industry_data.csv.gz');
  if (!file) return undefined;
  const rows = lines(file).slice(1);
  return Float64Array.from(rows, (row) => 4 * Number(row.split(',')[1]));
}

export interface YearProfile {
  /** local date of reading 0 */
  readonly startDate: string;
  /** 365 × 96 values on the wall clock, W per MWh/a */
  readonly values: Float64Array;
}

export const VDI_FILES = {
  LP_G_MV: 'metal processing (manufacturing)',
  LP_G_G: 'electroplating (manufacturing)',
  LP_G_MH: 'furniture shop',
  LP_Oe_Buero_k: 'administration / office, small',
  LP_Oe_Buero_m: 'administration / office, medium',
  LP_Oe_Schule_k: 'school, small',
  LP_Oe_Schule_m: 'school, medium',
  LP_Oe_Schule_g: 'school, big',
  LP_W_W: 'single flat',
  LP_W_EFH: 'single-family house',
  LP_W_MFH_k: 'multi-family house, small',
  LP_W_MFH_m: 'multi-family house, medium',
  LP_W_MFH_g: 'multi-family house, big',
  LP_WP: 'heat pump (by its name)',
} as const;
export type VdiName = keyof typeof VDI_FILES;

/**
 * A VDI 4657-3 profile (15 min, W per MWh/a, German local time with DST).
 * Put on a 96-slot wall-clock grid by the label's local date and time: the
 * 23-hour day in March lacks 02:00–02:45 (filled with the 01:xx readings of
 * the same day), the 25-hour day in October has 02:00–02:45 twice (averaged),
 * as features.md asks of an upstream with 23/25-hour days.
 */
export function vdiProfile(name: VdiName): YearProfile | undefined {
  const file = dataFile('vdi4657_reference_profiles', `${name}.csv.gz`);
  if (!file) return undefined;
  const rows = lines(file).slice(1);
  const first = rows[0]!.slice(0, 10);
  const start = Date.parse(`${first}T00:00:00Z`);
  const sums = new Float64Array(365 * 96);
  const counts = new Uint8Array(365 * 96);
  for (const row of rows) {
    const [stamp, value] = row.split(',');
    const day = Math.round((Date.parse(`${stamp!.slice(0, 10)}T00:00:00Z`) - start) / 86_400_000);
    const slot = Number(stamp!.slice(11, 13)) * 4 + Number(stamp!.slice(14, 16)) / 15;
    if (day < 0 || day >= 365) continue;
    sums[day * 96 + slot]! += Number(value);
    counts[day * 96 + slot]!++;
  }
  const values = new Float64Array(365 * 96);
  for (let t = 0; t < values.length; t++) values[t] = counts[t] ? sums[t]! / counts[t]! : NaN;
  for (let t = 0; t < values.length; t++) if (Number.isNaN(values[t]!)) values[t] = values[t - 4]!; // the missing DST hour
  return { startDate: first, values };
}

export type DayType = 'workday' | 'saturday' | 'sunday';
export const BDEW_1999_PROFILES = ['H0', 'G0', 'G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'L0', 'L1', 'L2'] as const;
export type Bdew1999 = (typeof BDEW_1999_PROFILES)[number];

/** BDEW 1999 typical days: profile → `${period}/${day}` → 96 values, W per 1000 kWh/a. */
export function bdew1999(): Map<string, Map<string, Float64Array>> | undefined {
  const file = dataFile('bdew_slp_1999', 'slp_1999_tidy.csv');
  if (!file) return undefined;
  const out = new Map<string, Map<string, Float64Array>>();
  for (const row of lines(file).slice(1)) {
    const [profile, period, day, stamp, watts] = row.split(',');
    const days = out.get(profile!) ?? new Map<string, Float64Array>();
    out.set(profile!, days);
    const key = `${period}/${day}`;
    const values = days.get(key) ?? new Float64Array(96);
    days.set(key, values);
    values[Number(stamp!.slice(0, 2)) * 4 + Number(stamp!.slice(3, 5)) / 15] = Number(watts);
  }
  return out;
}

/** BDEW 2025 typical days of one file (h25, g25, l25): `${month 1-12}/${WT|SA|FT}` → 96 values, kWh per 15 min per GWh/a. */
export function bdew2025(name: 'h25' | 'g25' | 'l25'): Map<string, Float64Array> | undefined {
  const file = dataFile('bdew_slp_2025', `${name}.csv`);
  if (!file) return undefined;
  const all = lines(file);
  const kinds = all[1]!.split(',');
  const out = new Map<string, Float64Array>();
  for (let c = 1; c < kinds.length; c++) out.set(`${Math.floor((c - 1) / 3) + 1}/${kinds[c]!.trim()}`, new Float64Array(96));
  for (let r = 0; r < 96; r++) {
    const cells = all[r + 2]!.split(',');
    for (let c = 1; c < kinds.length; c++) out.get(`${Math.floor((c - 1) / 3) + 1}/${kinds[c]!.trim()}`)![r] = Number(cells[c]);
  }
  return out;
}

/** BDEW dynamisation factor for H0/H25 (PROVENANCE.md), t = day of year (1-based). */
export function dynamisation(t: number): number {
  return 1.24 + 0.0021 * t - 0.0000702 * t ** 2 + 0.00000032 * t ** 3 - 0.000000000392 * t ** 4;
}

function dayTypeOf(date: Date): DayType {
  const weekday = date.getUTCDay();
  return weekday === 0 ? 'sunday' : weekday === 6 ? 'saturday' : 'workday';
}

function period1999(date: Date): 'winter' | 'summer' | 'transition' {
  const md = (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
  if (md >= 1101 || md <= 320) return 'winter';
  if (md >= 515 && md <= 914) return 'summer';
  return 'transition';
}

/** A calendar year (365 days from `year`-01-01, no holidays) of BDEW 1999 typical days; H0 dynamised. */
export function bdew1999Year(days: Map<string, Float64Array>, year: number, dynamise: boolean): Float64Array {
  const out = new Float64Array(365 * 96);
  for (let d = 0; d < 365; d++) {
    const date = new Date(Date.UTC(year, 0, 1 + d));
    const typical = days.get(`${period1999(date)}/${dayTypeOf(date)}`)!;
    const f = dynamise ? dynamisation(d + 1) : 1;
    for (let s = 0; s < 96; s++) out[d * 96 + s] = typical[s]! * f;
  }
  return out;
}

/** A calendar year of BDEW 2025 typical days (month × WT/SA/FT, no holidays); H25 dynamised. */
export function bdew2025Year(days: Map<string, Float64Array>, year: number, dynamise: boolean): Float64Array {
  const out = new Float64Array(365 * 96);
  const code = { workday: 'WT', saturday: 'SA', sunday: 'FT' } as const;
  for (let d = 0; d < 365; d++) {
    const date = new Date(Date.UTC(year, 0, 1 + d));
    const typical = days.get(`${date.getUTCMonth() + 1}/${code[dayTypeOf(date)]}`)!;
    const f = dynamise ? dynamisation(d + 1) : 1;
    for (let s = 0; s < 96; s++) out[d * 96 + s] = typical[s]! * f;
  }
  return out;
}

/** OpenEI DOE reference buildings, Boston TMY3 (SIMULATED): 19 columns, P = 24, kW; row 0 is the hour ending 01:00 of 1 January. */
export function doeBuildings(): Map<string, Float64Array> | undefined {
  const file = dataFile('openei_doe_reference_buildings_boston', 'electricity_facility_kW_hourly_boston_tmy3.csv.gz');
  return file ? readWide(file).columns : undefined;
}

/** Scales a curve to a given annual energy: values × target / (energy of the curve per year). `hours` = interval length in hours. */
export function scaleToAnnual(values: Float64Array, hours: number, annualKwh: number): Float64Array {
  let sum = 0;
  let n = 0;
  for (const v of values) if (Number.isFinite(v)) (sum += v), n++;
  const perYear = (sum * hours * (365 * 24)) / (n * hours); // mean kW × 8760 h
  return values.map((v) => (v * annualKwh) / perYear);
}

/** ISO date `days` after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Mean daily profile (P slots) over the days whose weekday (0 = Monday) passes `keep`. NaN readings are skipped. */
export function meanProfile(values: Float64Array, P: number, startDate: string, keep: (weekday: number) => boolean): Float64Array {
  const sums = new Float64Array(P);
  const counts = new Float64Array(P);
  const startWeekday = (new Date(`${startDate}T00:00:00Z`).getUTCDay() + 6) % 7;
  for (let d = 0; d * P < values.length; d++) {
    if (!keep((startWeekday + d) % 7)) continue;
    for (let s = 0; s < P; s++) {
      const v = values[d * P + s]!;
      if (Number.isFinite(v)) (sums[s]! += v), counts[s]!++;
    }
  }
  return sums.map((v, s) => v / counts[s]!);
}
