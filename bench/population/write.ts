// Writes a population to a directory: batch-000000.pb (a ScoreBatchRequest)
// with batch-000000.labels beside it (one byte per consumer: index into
// KINDS), and population.json (options, kinds, files, counts per kind; with
// cohorts, each file's areas: index of its first and how many).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KINDS } from './kinds.js';
import { populationBatches, type PopulationOptions } from './generator.js';

export interface WrittenPopulation {
  readonly dir: string;
  readonly files: string[];
  readonly counts: Record<string, number>;
  readonly bytes: number;
}

export function writePopulation(dir: string, options: PopulationOptions): WrittenPopulation {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const areas: { first: number; count: number }[] = [];
  const counts: Record<string, number> = Object.fromEntries(KINDS.map((k) => [k.name, 0]));
  let bytes = 0;
  let shapes = '';
  for (const batch of populationBatches(options)) {
    const name = `batch-${String(files.length).padStart(6, '0')}`;
    writeFileSync(path.join(dir, `${name}.pb`), batch.bytes);
    writeFileSync(path.join(dir, `${name}.labels`), batch.labels);
    files.push(name);
    if (batch.areas) areas.push({ ...batch.areas });
    bytes += batch.bytes.length;
    for (const l of batch.labels) counts[KINDS[l]!.name]!++;
  }
  shapes = options.shapes ?? 'auto';
  const manifest = {
    format: 'gridcode labelled population: <name>.pb = ScoreBatchRequest; <name>.labels = one byte per consumer, index into kinds',
    options: { ...options, shapes },
    kinds: KINDS.map((k, index) => ({ index, name: k.name, suspect: k.suspect, household: k.household, category: k.category, zone: k.zone, description: k.description })),
    files,
    ...(options.cohorts ? { areas } : {}),
    counts,
  };
  writeFileSync(path.join(dir, 'population.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { dir, files, counts, bytes };
}

/** The labels written beside `<dir>/<name>.pb`. */
export function readLabels(dir: string, name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(dir, `${name}.labels`)));
}
