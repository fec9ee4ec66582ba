// The analysis behind rules/default.yaml: features of every real curve of
// ../shared/data (see cases.ts), their distributions, and the codes the rule
// set gives them. Codes come from the product: the file compiled by
// compileRuleSet, every case scored by FeatureEngine.scoreConsumers (score.ts).
//
//   node dist/bench/real-data/evaluate.js               codes per group (the table of docs/default-rule-set.md)
//   node dist/bench/real-data/evaluate.js --features    feature quantiles per group
//   node dist/bench/real-data/evaluate.js --rules       how often each rule fires, per group
//   node dist/bench/real-data/evaluate.js --list NAME   every case of group NAME with its code and the rules fired
//   node dist/bench/real-data/evaluate.js --json        the code table as JSON
//   node dist/bench/real-data/evaluate.js --dump FILE   every case's features as JSON lines (for your own analysis)
//   --rule-set FILE                                     another rule set (default rules/default.yaml)
import path from 'node:path';
import type { CompiledRuleSet } from '../../engine/src/index.js';
import { buildGroups, type Group } from './cases.js';
import { repoRoot, requireData } from './data.js';
import { CODE_NAMES, loadRuleSet, scoreGroups, type CodeName, type ScoredGroup } from './score.js';

const FEATURES = ['mean_kw', 'max_kw', 'load_factor', 'cv', 'night_share', 'work_share', 'weekend_ratio', 'peak_valley', 'daily_cv', 'zero_share', 'capacity_util', 'acf_day', 'ramp_rate', 'operating_hours', 'trend_ratio'];
const QUANTILES = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const fmt = (v: number) => (Number.isNaN(v) ? 'NaN' : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3));

function printFeatures(groups: Group[], scored: Map<string, ScoredGroup>, set: CompiledRuleSet, only?: string): void {
  const names = [...FEATURES, ...set.templates.names.map((t) => `corr_${t}`)];
  for (const g of groups) {
    if (only && g.name !== only) continue;
    // usable = what the product scores (not GRAY: readings usable and valid share ≥ min_valid_share)
    const usable = scored.get(g.name)!.cases.filter((c) => c.code !== 'GRAY');
    console.log(`\n## ${g.name} (${usable.length} usable of ${g.cases.length}): ${g.description}`);
    console.log(`${'feature'.padEnd(26)}${QUANTILES.map((q) => (q === 0 ? 'min' : q === 1 ? 'max' : `p${q * 100}`).padStart(8)).join('')}   NaN`);
    for (const f of names) {
      const values = usable.map((c) => c.row[f]!);
      const finite = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
      console.log(`${f.padEnd(26)}${QUANTILES.map((q) => fmt(quantile(finite, q)).padStart(8)).join('')}   ${values.length - finite.length}`);
    }
  }
}

export interface GroupCodes {
  readonly group: string;
  readonly expect: Group['expect'];
  readonly total: number;
  readonly counts: Record<CodeName, number>;
}

async function main(): Promise<void> {
  requireData();
  const file = path.resolve(arg('--rule-set') ?? path.join(repoRoot, 'rules', 'default.yaml'));
  let set: CompiledRuleSet;
  try {
    set = loadRuleSet(file);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
    return;
  }
  const groups = buildGroups();
  const dump = arg('--dump');
  const allFeatures = dump !== undefined || process.argv.includes('--features') || process.argv.includes('--list');
  const scored = await scoreGroups(groups, set, { allFeatures });
  const ref = `${set.id}@${set.version}`;

  if (dump) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(dump, groups.flatMap((g) => scored.get(g.name)!.cases.map((c) => JSON.stringify({ group: g.name, label: c.label, code: c.code, score: c.score, reasons: c.reasons, note: c.note, ...c.row }))).join('\n') + '\n');
    return console.log(`features and codes (${ref}) of ${groups.reduce((a, g) => a + g.cases.length, 0)} cases written to ${dump} (JSON lines; NaN as null)`);
  }
  if (process.argv.includes('--features')) return printFeatures(groups, scored, set, arg('--features'));

  const list = arg('--list');
  if (list) {
    if (!scored.has(list)) {
      console.error(`no group ${list}; groups: ${groups.map((g) => g.name).join(', ')}`);
      process.exitCode = 1;
      return;
    }
    const show = ['mean_kw', 'load_factor', 'night_share', 'work_share', 'operating_hours', 'cv', 'capacity_util', 'trend_ratio', ...set.templates.names.map((t) => `corr_${t}`)];
    for (const c of scored.get(list)!.cases) {
      const why = c.code === 'GRAY' ? (c.note ?? '') : c.reasons.join(',');
      console.log(`${c.code.padEnd(7)}${String(c.score).padStart(4)}  ${c.label.padEnd(28)} ${why.padEnd(60)} ${show.map((f) => `${f.replace('corr_', 'c_')}=${fmt(c.row[f]!)}`).join(' ')}`);
    }
    return;
  }

  const table: GroupCodes[] = groups.map((g) => ({ group: g.name, expect: g.expect, total: g.cases.length, counts: scored.get(g.name)!.counts }));

  if (process.argv.includes('--rules')) {
    console.log(`rule fires per group (${ref}, ScoredBatch.hits); counts of scored (non-GRAY) cases`);
    console.log(`${'rule'.padEnd(34)}${groups.map((g) => g.name.slice(0, 14).padStart(15)).join('')}`);
    for (const rule of set.rules) {
      console.log(`${rule.id.padEnd(34)}${groups.map((g) => String(scored.get(g.name)!.hits[rule.id]).padStart(15)).join('')}`);
    }
    return;
  }

  if (process.argv.includes('--json')) return console.log(JSON.stringify({ ruleSet: ref, digest: set.digest, groups: table }, null, 2));

  console.log(`codes by ${ref} (${path.relative(process.cwd(), file)}, digest ${set.digest.slice(0, 12)}): compileRuleSet + FeatureEngine.scoreConsumers; shares of all cases in the group\n`);
  const pct = (n: number, total: number) => `${n} (${((100 * n) / total).toFixed(1)}%)`;
  console.log(`${'group'.padEnd(36)}${'expect'.padEnd(7)}${'cases'.padStart(6)}${CODE_NAMES.map((c) => c.padStart(15)).join('')}`);
  for (const t of table) console.log(`${t.group.padEnd(36)}${t.expect.padEnd(7)}${String(t.total).padStart(6)}${CODE_NAMES.map((c) => pct(t.counts[c], t.total).padStart(15)).join('')}`);
  const failures = table.filter((t) => (t.expect === 'flag' && t.counts.GREEN > 0) || (t.expect === 'green' && t.counts.RED > 0.01 * t.total));
  console.log(failures.length ? `\nNOT MET: ${failures.map((t) => t.group).join(', ')}` : '\nall expectations met: "flag" groups have no GREEN, "green" groups at most 1% RED');
  if (failures.length) process.exitCode = 1;
}

await main();
