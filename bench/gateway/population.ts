// The labelled population as serialized ScoreBatchRequests, batch by batch.
// Uses the streaming generator of bench/population/index.ts
// (populationBatches) when it is there; otherwise a local fallback: the
// curves of bench/population/curves.ts (generateBatch) with a small
// hand-written protobuf encoder (readings copied as bytes, as packed floats).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBatchHeader } from '../../engine/src/index.js';
import { generateBatch, type CurveBatch } from '../population/curves.js';
import { CONSUMER_KINDS } from '../population/shapes.js';
import { mib } from './sizing.js';

export interface PopulationSpec {
  readonly consumers: number;
  readonly batchSize: number;
  readonly days: number;
  readonly pointsPerDay: number;
  /** YYYY-MM-DD of reading 0. */
  readonly startDate: string;
  readonly seed: number;
  /** Index of the first consumer (default 0); `consumers` are counted from it. */
  readonly first?: number;
}

export interface EncodedBatch {
  /** Index of the batch's first consumer in the population. */
  readonly first: number;
  readonly count: number;
  /** A serialized gridcode.v1.ScoreBatchRequest. */
  readonly bytes: Uint8Array;
  readonly labels?: unknown;
}

export interface PopulationSource {
  /** Which generator made the batches. */
  readonly generator: 'bench/population' | 'fallback (curves.ts + local encoder)';
  readonly batches: Iterable<EncodedBatch> | AsyncIterable<EncodedBatch>;
}

type PopulationBatches = (spec: PopulationSpec & { readonly reuse: boolean }) => Iterable<EncodedBatch> | AsyncIterable<EncodedBatch>;

const POPULATION_MODULE = new URL('../population/index.js', import.meta.url);

/** The colleague's generator when it has been built, else the fallback. */
export async function openPopulation(spec: PopulationSpec, options: { readonly fallback?: boolean } = {}): Promise<PopulationSource> {
  if (!options.fallback && existsSync(fileURLToPath(POPULATION_MODULE))) {
    const module = (await import(POPULATION_MODULE.href)) as { populationBatches?: PopulationBatches };
    // reuse: false, so that each batch's bytes stay valid while it is in flight.
    if (typeof module.populationBatches === 'function') return { generator: 'bench/population', batches: module.populationBatches({ ...spec, reuse: false }) };
  }
  return { generator: 'fallback (curves.ts + local encoder)', batches: fallbackBatches(spec) };
}

/** Distinct request bodies per size: about 2,000–10,000 consumers of each, so that every connection does not send the same bytes. */
function bodiesFor(size: number): number {
  return Math.max(1, Math.min(20, Math.floor(4000 / size)));
}

/**
 * The request bodies of each size, each size from its own stream (consumer i
 * the same curve whatever the size), `bodiesFor(size)` of them; `log` says
 * what was generated and how fast.
 */
export async function bodiesBySize(
  spec: Omit<PopulationSpec, 'consumers' | 'batchSize'>,
  sizes: readonly number[],
  log: (line: string) => void,
): Promise<{ generator: PopulationSource['generator'] | ''; bodies: Map<number, Uint8Array[]> }> {
  const bodies = new Map<number, Uint8Array[]>();
  let generator: PopulationSource['generator'] | '' = '';
  for (const size of sizes) {
    const started = performance.now();
    const { generator: g, batches } = await collect({ ...spec, consumers: size * bodiesFor(size), batchSize: size });
    generator = g;
    bodies.set(size, batches.map((b) => b.bytes));
    const seconds = (performance.now() - started) / 1000;
    log(`generated ${batches.length} batch${batches.length === 1 ? '' : 'es'} of ${size} consumers (${mib(batches[0]!.bytes.length)} each) in ${seconds.toFixed(1)} s [${g}]`);
  }
  return { generator, bodies };
}

/** Every batch of the population, in order, into an array (for the small pools the benchmarks cycle). */
export async function collect(spec: PopulationSpec, options: { readonly fallback?: boolean } = {}): Promise<{ generator: PopulationSource['generator']; batches: EncodedBatch[] }> {
  const source = await openPopulation(spec, options);
  const batches: EncodedBatch[] = [];
  for await (const batch of source.batches) batches.push(batch);
  return { generator: source.generator, batches };
}

// --- fallback ---------------------------------------------------------------

/** category, zone (enum numbers of scoring.proto) of each CONSUMER_KINDS entry. */
const KIND_ATTRIBUTES: Record<(typeof CONSUMER_KINDS)[number], readonly [number, number]> = {
  household: [1, 1],
  shop: [2, 3],
  office: [2, 3],
  factory: [3, 2],
  hidden_workshop: [1, 1],
  vacant: [1, 1],
  patchy: [1, 1],
  offline: [1, 1],
};

function* fallbackBatches(spec: PopulationSpec): Generator<EncodedBatch> {
  const header = parseBatchHeader(spec.pointsPerDay, spec.startDate);
  const options = { days: spec.days, pointsPerDay: spec.pointsPerDay, startWeekday: header.startWeekday, seed: spec.seed };
  const start = spec.first ?? 0;
  const end = start + spec.consumers;
  for (let first = start; first < end; first += spec.batchSize) {
    const batch = generateBatch(first, Math.min(spec.batchSize, end - first), options);
    yield { first, count: batch.count, bytes: encodeRequest(batch, spec), labels: Array.from(batch.kind, (k) => CONSUMER_KINDS[k]) };
  }
}

const text = new TextEncoder();

function varintLength(value: number): number {
  let n = 1;
  while (value > 127) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

function putVarint(out: Uint8Array, at: number, value: number): number {
  while (value > 127) {
    out[at++] = (value & 127) | 128;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

/** ScoreBatchRequest{start_date, points_per_day, consumers[]}; consumer ids are `c` and the index, zero-padded to 8 digits. */
export function encodeRequest(batch: CurveBatch, spec: Pick<PopulationSpec, 'startDate' | 'pointsPerDay' | 'days'>): Uint8Array {
  const date = text.encode(spec.startDate);
  const N = batch.readings;
  const D = spec.days;
  const loadBytes = N * 4;
  const waterBytes = D * 4;
  const bodyLength = (c: number) =>
    1 + 1 + 9 + // id: tag, length, "c" + 8 digits
    2 + 2 + // category, zone
    5 + // capacity_kw fixed32
    1 + varintLength(loadBytes) + loadBytes +
    (batch.hasWater[c] ? 1 + varintLength(waterBytes) + waterBytes : 0);
  let total = 1 + varintLength(date.length) + date.length + 1 + varintLength(spec.pointsPerDay);
  for (let c = 0; c < batch.count; c++) {
    const body = bodyLength(c);
    total += 1 + varintLength(body) + body;
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const loadBytesView = new Uint8Array(batch.loadKw.buffer, batch.loadKw.byteOffset, batch.loadKw.byteLength);
  const waterBytesView = new Uint8Array(batch.waterM3.buffer, batch.waterM3.byteOffset, batch.waterM3.byteLength);
  let at = 0;
  out[at++] = 0x12; // start_date
  at = putVarint(out, at, date.length);
  out.set(date, at);
  at += date.length;
  out[at++] = 0x18; // points_per_day
  at = putVarint(out, at, spec.pointsPerDay);
  for (let c = 0; c < batch.count; c++) {
    const [category, zone] = KIND_ATTRIBUTES[CONSUMER_KINDS[batch.kind[c]!]!];
    out[at++] = 0x22; // consumers
    at = putVarint(out, at, bodyLength(c));
    out[at++] = 0x0a; // id
    out[at++] = 9;
    out[at++] = 0x63; // "c"
    const id = String(batch.first + c).padStart(8, '0');
    for (let k = 0; k < 8; k++) out[at++] = id.charCodeAt(k);
    out[at++] = 0x10; // category
    out[at++] = category;
    out[at++] = 0x18; // zone
    out[at++] = zone;
    out[at++] = 0x25; // capacity_kw, fixed32
    view.setFloat32(at, batch.capacityKw[c]!, true);
    at += 4;
    out[at++] = 0x2a; // load_kw, packed
    at = putVarint(out, at, loadBytes);
    out.set(loadBytesView.subarray(c * loadBytes, (c + 1) * loadBytes), at);
    at += loadBytes;
    if (batch.hasWater[c]) {
      out[at++] = 0x32; // water_m3, packed
      at = putVarint(out, at, waterBytes);
      out.set(waterBytesView.subarray(c * waterBytes, (c + 1) * waterBytes), at);
      at += waterBytes;
    }
  }
  if (at !== total) throw new Error(`encodeRequest: wrote ${at} bytes of ${total}`);
  return out;
}
