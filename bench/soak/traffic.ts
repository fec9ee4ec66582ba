// What the soak sends: the request messages of each traffic kind, built once
// (a small pool of real-looking population batches, drafts, bad requests) and
// varied per call (flags, which batch), and the checks of an ok answer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { create, fromBinary, type DescMessage, type DescService, type Message } from '@bufbuild/protobuf';
import { packageRoot } from '../../engine/src/package-root.js';
import { knownConsumers, requestInit } from '../../lib/score-requests.js';
import { loadRegistry } from '../../lib/proto-registry.js';
import { populationBatches } from '../population/index.js';
import { Prng } from '../population/prng.js';

export const START_DATE = '2026-03-02'; // a Monday: knownConsumers' curves start on weekday 0
const DAYS = 30;
/** Consumers per ScoreBatch: proto batches of every size; JSON ones stay small (text is ~3× the bytes and slow to print and parse). */
const PROTO_SIZES = [1, 10, 50, 100, 200];
const JSON_SIZES = [1, 10, 50];
/** The batch deadline and cancel requests send: long enough to be mid-request when they fire. */
export const BIG = 200;
const BIG_JSON = 50;
/** Ids of knownConsumers that no rule set can judge: GRAY with a note. */
export const UNJUDGEABLE = ['known-unusable-partial-day', 'known-no-readings', 'known-missing-days'];

/** A draft with an unknown feature, an unknown enum value and a missing score: 3 errors. */
const BAD_DRAFT = ['id: soak-draft', 'version: 0.0.1', 'thresholds: { yellow: 40, red: 70 }', 'rules:', '  - id: typo', '    when: nite_share > 0.5', '    score: 30', '  - id: no-such-category', '    when: category == smelter', '    score: 20', '  - id: unscored', '    when: mean_kw > 3', ''].join('\n');
export const BAD_DRAFT_ERRORS = 3;

export interface Schemas {
  readonly service: DescService;
  readonly request: DescMessage;
  readonly response: DescMessage;
}

export function loadSchemas(): Schemas {
  const registry = loadRegistry();
  const get = (name: string) => registry.getMessage(`gridcode.v1.${name}`) ?? fail(`no message gridcode.v1.${name} in proto/`);
  return { service: registry.getService('gridcode.v1.ScoringService') ?? fail('no service gridcode.v1.ScoringService in proto/'), request: get('ScoreBatchRequest'), response: get('ScoreBatchResponse') };
}

function fail(message: string): never {
  throw new Error(message);
}

type Init = Record<string, unknown>;

export class Traffic {
  private readonly bySize = new Map<number, Message[]>();
  private readonly goodDraft = readFileSync(join(packageRoot, 'rules', 'default.yaml'), 'utf8');
  private oversizedSource: string | undefined;
  readonly rng: Prng;

  constructor(readonly schemas: Schemas, seed: number, readonly maxBodyBytes: number) {
    this.rng = new Prng(seed);
    // Two distinct batches per size, from the labelled population (real profiles of ../shared/data when present).
    let first = 0;
    for (const size of PROTO_SIZES) {
      for (let copy = 0; copy < 2; copy++) {
        for (const batch of populationBatches({ consumers: size, batchSize: size, first, seed, days: DAYS, startDate: START_DATE, reuse: false })) {
          const list = this.bySize.get(size) ?? [];
          list.push(fromBinary(schemas.request, batch.bytes));
          this.bySize.set(size, list);
        }
        first += size;
      }
    }
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.rng.int(0, items.length - 1)]!;
  }

  private batch(size: number): Message & Init {
    return this.pick(this.bySize.get(size)!) as Message & Init;
  }

  /** A valid batch of a random size with random flags; its consumer count. */
  score(json: boolean): { input: Init; consumers: number; flaggedOnly: boolean } {
    const size = this.pick(json ? JSON_SIZES : PROTO_SIZES);
    const flaggedOnly = this.rng.chance(0.25);
    const input = { ...this.batch(size), includeFeatures: this.rng.chance(0.5), includeEvidence: this.rng.chance(0.5), flaggedOnly };
    return { input, consumers: size, flaggedOnly };
  }

  /** Good consumers with unjudgeable ones spread in. */
  badConsumers(): Init {
    const good = this.batch(10);
    const known = requestInit({ startDate: START_DATE }, knownConsumers(DAYS, 0)).consumers as Init[];
    const bad = known.filter((c) => UNJUDGEABLE.includes(c['id'] as string));
    const { $typeName: _, ...fields } = good;
    const consumers = [...(fields['consumers'] as Init[])];
    bad.forEach((c, i) => consumers.splice(i * 4, 0, c));
    // A message again (plain consumers among decoded ones would not serialize): create converts what is not one yet.
    return create(this.schemas.request, { ...fields, consumers }) as unknown as Init;
  }

  /** The big batch of deadline and cancel. */
  big(json: boolean): Init {
    return this.batch(json ? BIG_JSON : BIG);
  }

  /** A one-consumer batch with some fields changed (the bad-request kinds). */
  small(change: Init): Init {
    return { ...this.batch(1), ...change };
  }

  badDate(): Init {
    return this.small({ startDate: this.pick(['2026-02-30', '2026-13-01', '02.03.2026', '', '2026-3-2']) });
  }

  draft(good: boolean): Init {
    return { source: good ? this.goodDraft : BAD_DRAFT };
  }

  /** A ValidateRuleSet request just over the body limit in both encodings. */
  oversized(): Init {
    this.oversizedSource ??= `# ${'x'.repeat(this.maxBodyBytes)}`;
    return { source: this.oversizedSource };
  }
}

/** Field 4 (consumers) says 5 bytes, one follows: a malformed ScoreBatchRequest. */
export const TRUNCATED_REQUEST = Uint8Array.of(0x12, 0x0a, ...new TextEncoder().encode(START_DATE), 0x22, 0x05, 0x0a);
export const BROKEN_JSON = `{"startDate": "${START_DATE}", "consumers": [{"id": "x", "loadKw": [1.5, `;
