// Batches for the end-to-end tests: the benchmark's synthetic population
// (bench/population: households, shops, offices, factories, hidden workshops,
// vacant flats, patchy and offline meters, deterministic per seed), given the
// category and zone an upstream platform would send, as lib/score-requests.ts
// consumers (readings rounded to watts).
import { generateBatch } from '../../../bench/population/curves.js';
import { CONSUMER_KINDS, type ConsumerKind } from '../../../bench/population/shapes.js';
import { reading, type ConsumerData } from '../../../lib/score-requests.js';

/** Which category and zone a kind of consumer is registered with (a few factories outside the parks). */
function registration(kind: ConsumerKind, index: number): { category: number; zone: number } {
  switch (kind) {
    case 'household':
    case 'hidden_workshop':
    case 'vacant':
    case 'patchy':
    case 'offline':
      return { category: 1, zone: index % 11 === 0 ? 4 : 1 };
    case 'shop':
      return { category: 2, zone: index % 5 === 0 ? 1 : 3 };
    case 'office':
      return { category: 2, zone: 3 };
    case 'factory':
      return { category: 3, zone: index % 4 === 0 ? 4 : 2 };
  }
}

/** `count` consumers of the synthetic population, from `first`, 96 readings a day. */
export function populationConsumers(first: number, count: number, options: { days: number; seed: number; startWeekday: number; prefix: string }): ConsumerData[] {
  const batch = generateBatch(first, count, { days: options.days, pointsPerDay: 96, startWeekday: options.startWeekday, seed: options.seed });
  const consumers: ConsumerData[] = [];
  for (let c = 0; c < count; c++) {
    const kind = CONSUMER_KINDS[batch.kind[c]!]!;
    const load = batch.loadKw.subarray(c * batch.readings, (c + 1) * batch.readings);
    const water = batch.hasWater[c] ? Array.from(batch.waterM3.subarray(c * options.days, (c + 1) * options.days), reading) : [];
    consumers.push({
      id: `${options.prefix}-${String(first + c).padStart(6, '0')}-${kind}`,
      ...registration(kind, first + c),
      capacityKw: reading(batch.capacityKw[c]!),
      loadKw: Array.from(load, reading),
      waterM3: water,
    });
  }
  return consumers;
}
