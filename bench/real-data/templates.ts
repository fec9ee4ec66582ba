// Derives the rule set's templates from real shapes and prints them as YAML
// (`templates:` of rules/default.yaml), with a 24-hour overview of every
// candidate shape. Run: node dist/bench/real-data/templates.js [--yaml]
import { bdew1999, bdew2025, meanProfile, requireData, steelPlant, vdiProfile, type VdiName } from './data.js';

const WEEKDAY = (w: number) => w < 5;

/** Shape only: divided by its own mean, rounded to 3 decimals. */
function shape(values: ArrayLike<number>): number[] {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  return Array.from(values, (v) => Math.round((v / mean) * 1000) / 1000);
}

function average(profiles: Float64Array[]): Float64Array {
  return profiles[0]!.map((_, s) => profiles.reduce((a, p) => a + p[s]!, 0) / profiles.length);
}

export interface TemplateSource {
  readonly name: string;
  readonly source: string;
  readonly values: number[];
}

/** Every template of rules/default.yaml, computed from the files named in `source`. */
export function deriveTemplates(): TemplateSource[] {
  const out: TemplateSource[] = [];
  const h25 = bdew2025('h25');
  if (h25) {
    const wt = [...h25].filter(([k]) => k.endsWith('/WT')).map(([, v]) => v);
    out.push({ name: 'residential', source: 'BDEW 2025 H25 (bdew_slp_2025/h25.csv), the 12 working-day (WT) columns January–December, mean per quarter-hour, undynamised', values: shape(average(wt)) });
  }
  const mv = vdiProfile('LP_G_MV');
  if (mv) out.push({ name: 'industrial_1shift', source: `VDI 4657-3 LP_G_MV (metal processing), mean of every Monday–Friday of ${mv.startDate.slice(0, 4)} per wall-clock quarter-hour`, values: shape(meanProfile(mv.values, 96, mv.startDate, WEEKDAY)) });
  const gg = vdiProfile('LP_G_G');
  if (gg) out.push({ name: 'industrial_2shift', source: `VDI 4657-3 LP_G_G (electroplating), mean of every Monday–Friday of ${gg.startDate.slice(0, 4)} per wall-clock quarter-hour`, values: shape(meanProfile(gg.values, 96, gg.startDate, WEEKDAY)) });
  const g1999 = bdew1999();
  if (g1999) {
    const g4 = g1999.get('G4')!;
    out.push({ name: 'shop', source: 'BDEW 1999 G4 (bdew_slp_1999/slp_1999_tidy.csv, profile_id G4, day workday), mean of the winter, transition and summer typical days', values: shape(average(['winter', 'transition', 'summer'].map((p) => g4.get(`${p}/workday`)!))) });
  }
  return out;
}

function hourly(values: ArrayLike<number>): string {
  const per = values.length / 24;
  const hours: number[] = [];
  for (let h = 0; h < 24; h++) {
    let s = 0;
    for (let k = 0; k < per; k++) s += values[h * per + k]!;
    hours.push(s / per);
  }
  const mean = hours.reduce((a, b) => a + b, 0) / 24;
  return hours.map((v) => (v / mean).toFixed(2).padStart(5)).join('');
}

function main(): void {
  requireData();
  const templates = deriveTemplates();
  if (process.argv.includes('--yaml')) {
    console.log('templates:');
    for (const t of templates) {
      console.log(`  # ${t.source}; divided by its mean, 3 decimals`);
      const rows: string[] = [];
      for (let i = 0; i < 96; i += 12) rows.push(t.values.slice(i, i + 12).map((v) => v.toFixed(3)).join(', '));
      console.log(`  ${t.name}: [\n    ${rows.join(',\n    ')}]`);
    }
    return;
  }
  console.log('Hourly shape (mean of each hour ÷ daily mean), hours 0 … 23\n');
  console.log('templates of rules/default.yaml:');
  for (const t of templates) console.log(`${t.name.padEnd(22)}${hourly(t.values)}`);
  console.log('\nother candidate shapes (weekday means):');
  for (const name of ['LP_G_MH', 'LP_Oe_Buero_m', 'LP_Oe_Schule_m', 'LP_W_W', 'LP_W_EFH', 'LP_W_MFH_m', 'LP_WP'] as VdiName[]) {
    const p = vdiProfile(name);
    if (p) console.log(`${name.padEnd(22)}${hourly(meanProfile(p.values, 96, p.startDate, WEEKDAY))}`);
  }
  const steel = steelPlant();
  if (steel) console.log(`${'steel weekday'.padEnd(22)}${hourly(meanProfile(steel, 96, '2018-01-01', WEEKDAY))}`);
  const g1999 = bdew1999();
  for (const id of ['H0', 'G0', 'G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'L0']) {
    const days = g1999?.get(id);
    if (days) console.log(`${`${id} 1999 workday`.padEnd(22)}${hourly(average(['winter', 'transition', 'summer'].map((p) => days.get(`${p}/workday`)!)))}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
