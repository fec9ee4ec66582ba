// The fuzz inputs: input `index` of seed `seed` is always the same bytes
// (FuzzCorpus.case), so a failure can be replayed alone. Each input is one
// request body of one method in one serialization, named by how it was
// broken. Valid requests are costly to make (thousands of readings), so a
// corpus makes a pool of them once per seed and each input breaks one.
import { mutateJson, type Json } from './json.js';
import { PROTO_MUTATORS, SCORE_ONLY } from './mutators.js';
import { Random, randomFor } from './random.js';
import { batchJson, batchProto, randomBatch, randomDraft, tinyConsumers, validateProto } from './requests.js';

export const METHODS = ['ScoreBatch', 'ListRuleSets', 'ValidateRuleSet'] as const;
export type Method = (typeof METHODS)[number];
export type Serialization = 'proto' | 'json';

export interface FuzzCase {
  readonly method: Method;
  readonly serialization: Serialization;
  /** How the input was made: a mutator name, or `hostile-values` for a well-formed request carrying absurd values. */
  readonly kind: string;
  readonly bytes: Uint8Array;
}

const encoder = new TextEncoder();
const PROTO_NAMES = Object.keys(PROTO_MUTATORS);
const NAMES_BY_METHOD: Readonly<Record<Method, readonly string[]>> = {
  ScoreBatch: PROTO_NAMES,
  ValidateRuleSet: PROTO_NAMES.filter((name) => !SCORE_ONLY.has(name)),
  ListRuleSets: PROTO_NAMES.filter((name) => !SCORE_ONLY.has(name)),
};
/** Valid batches per corpus: half plausible, half with hostile values. */
const POOL = 64;

interface Base {
  readonly proto: Uint8Array;
  readonly json: Json;
}

export class FuzzCorpus {
  private readonly batches: Base[] = [];
  private readonly hostileBatches: Base[] = [];

  constructor(readonly seed: number) {
    const random = new Random(seed);
    for (let i = 0; i < POOL; i++) {
      const hostile = i % 2 === 1;
      const batch = randomBatch(random, hostile);
      (hostile ? this.hostileBatches : this.batches).push({ proto: batchProto(batch), json: batchJson(batch, random) as Json });
    }
  }

  case(index: number): FuzzCase {
    const random = randomFor(this.seed, index);
    const roll = random.next();
    const method: Method = roll < 0.65 ? 'ScoreBatch' : roll < 0.85 ? 'ValidateRuleSet' : 'ListRuleSets';
    const serialization: Serialization = random.chance(0.6) ? 'proto' : 'json';
    if (method !== 'ListRuleSets' && random.chance(0.2)) return this.hostileValues(random, method, serialization);
    const base = this.base(random, method);
    if (serialization === 'json') return { method, serialization, ...mutateJson(random, base.json) };
    const names = NAMES_BY_METHOD[method];
    const kind = random.pick(names);
    let bytes = PROTO_MUTATORS[kind]!(random, base.proto);
    // Sometimes a second mutation on top of the first.
    if (random.chance(0.2)) bytes = PROTO_MUTATORS[random.pick(names)]!(random, bytes);
    return { method, serialization, kind, bytes };
  }

  /** A valid request of the method (from the pool for ScoreBatch). */
  private base(random: Random, method: Method): Base {
    if (method === 'ListRuleSets') return { proto: new Uint8Array(), json: {} };
    if (method === 'ValidateRuleSet') {
      const source = randomDraft(random);
      return { proto: validateProto(source), json: { source } };
    }
    return random.pick(random.chance(0.5) ? this.batches : this.hostileBatches);
  }

  /** Well-formed, with absurd values: a pooled batch with a new header, or a draft that is a bad rule set. */
  private hostileValues(random: Random, method: Method, serialization: Serialization): FuzzCase {
    let bytes: Uint8Array;
    if (method === 'ValidateRuleSet') {
      const { proto, json } = this.base(random, method);
      bytes = serialization === 'proto' ? proto : encoder.encode(JSON.stringify(json));
    } else {
      const header = randomBatch(random, true, false);
      const pooled = random.pick(this.hostileBatches);
      if (serialization === 'proto') {
        // Repeated consumers concatenate, and a later scalar wins: the new header after the pooled batch overrides it.
        bytes = new Uint8Array([...pooled.proto, ...batchProto(header)]);
      } else {
        const json = { ...(batchJson(header, random) as Record<string, Json>), consumers: (pooled.json as Record<string, Json>).consumers! };
        bytes = encoder.encode(JSON.stringify(json));
      }
    }
    return { method, serialization, kind: 'hostile-values', bytes };
  }
}

/** Inputs too large to repeat thousands of times: each level sends each of these once. */
export function largeCases(): FuzzCase[] {
  const tiny = (count: number): FuzzCase => ({ method: 'ScoreBatch', serialization: 'proto', kind: `${count}-tiny-consumers`, bytes: tinyConsumers(count) });
  const jsonTiny = `{"startDate":"2026-03-02","pointsPerDay":24,"consumers":[${'{},'.repeat(999_999)}{}]}`;
  return [
    tiny(1_000_000),
    tiny(100_000),
    { method: 'ScoreBatch', serialization: 'json', kind: 'json-1000000-tiny-consumers', bytes: encoder.encode(jsonTiny) },
    { method: 'ScoreBatch', serialization: 'proto', kind: 'empty-batch', bytes: batchProto({ ruleSet: '', startDate: '2026-03-02', pointsPerDay: 96, includeFeatures: false, flaggedOnly: false, includeEvidence: false, consumers: [] }) },
    { method: 'ScoreBatch', serialization: 'json', kind: 'json-100000-deep', bytes: encoder.encode(`{"consumers":${'['.repeat(100_000)}${']'.repeat(100_000)}}`) },
    { method: 'ValidateRuleSet', serialization: 'proto', kind: 'source-over-limit', bytes: validateProto('#'.repeat(2 * 1024 * 1024)) },
    // Over the endpoint suite's --max-body-bytes (4 MiB): refused while it uploads.
    { method: 'ScoreBatch', serialization: 'proto', kind: 'body-over-limit', bytes: new Uint8Array(5 << 20).fill(0xff) },
    { method: 'ValidateRuleSet', serialization: 'json', kind: 'source-500000-brackets', bytes: encoder.encode(JSON.stringify({ source: '['.repeat(500_000) })) },
  ];
}
