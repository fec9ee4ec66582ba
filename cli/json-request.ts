// The proto3 JSON form of a ScoreBatchRequest's header and of one Consumer,
// checked field by field (see json-values.ts for the value rules).
import type { gridcode } from '#gen/scoring.js';
import { bool, CATEGORY, enumValue, fieldNames, float32, float32List, JsonValueError, jsonNames, object, string, uint32, ZONE } from './json-values.js';

export const REQUEST_FIELDS = fieldNames('rule_set', 'start_date', 'points_per_day', 'consumers', 'include_features', 'flagged_only', 'include_evidence');
const CONSUMER_FIELDS = fieldNames('id', 'category', 'zone', 'capacity_kw', 'load_kw', 'water_m3');

/** A parsed member, with the name it was given under. */
export interface FieldValue {
  readonly jsonName: string;
  readonly value: unknown;
}

/** The request's fields other than `consumers`, from its members (by proto name); absent ones are proto3 defaults. */
export interface RequestHeaderFields {
  readonly pointsPerDay: number;
  readonly startDate: string;
  readonly ruleSet: string;
  readonly includeFeatures: boolean;
  readonly flaggedOnly: boolean;
  readonly includeEvidence: boolean;
}

export function requestHeader(members: ReadonlyMap<string, FieldValue>): RequestHeaderFields {
  let pointsPerDay = 0;
  let startDate = '';
  let ruleSet = '';
  let includeFeatures = false;
  let flaggedOnly = false;
  let includeEvidence = false;
  for (const [field, { jsonName, value }] of members) {
    if (field === 'points_per_day') pointsPerDay = value === null ? 0 : uint32(value, jsonName);
    else if (field === 'start_date') startDate = string(value, jsonName);
    else if (field === 'rule_set') ruleSet = string(value, jsonName);
    else if (field === 'include_features') includeFeatures = bool(value, jsonName);
    else if (field === 'flagged_only') flaggedOnly = bool(value, jsonName);
    else if (field === 'include_evidence') includeEvidence = bool(value, jsonName);
  }
  return { pointsPerDay, startDate, ruleSet, includeFeatures, flaggedOnly, includeEvidence };
}

/** Reused arrays for the readings: a consumer's Float32Arrays view them until the next consumer. */
export interface ConsumerScratch {
  readonly loadKw: { buffer: Float32Array };
  readonly waterM3: { buffer: Float32Array };
}

export type JsonConsumer = gridcode.v1.Consumer.$Properties & { id: string };

/** Consumer `index` of the batch as protobufjs properties, ready for `Consumer.encode`. Throws JsonValueError. */
export function consumerFromJson(value: unknown, index: number, scratch: ConsumerScratch): JsonConsumer {
  const path = `consumers[${index}]`;
  const members = object(value, path);
  const consumer: JsonConsumer = { id: '' };
  const given = new Map<string, string>();
  for (const jsonName in members) {
    const field = CONSUMER_FIELDS.get(jsonName);
    if (field === undefined) throw new JsonValueError(path, `unknown field ${JSON.stringify(jsonName)}; a Consumer has ${jsonNames(CONSUMER_FIELDS)}`);
    const earlier = given.get(field);
    if (earlier !== undefined) throw new JsonValueError(path, `${field} is given twice (as ${JSON.stringify(earlier)} and ${JSON.stringify(jsonName)})`);
    given.set(field, jsonName);
    const v = members[jsonName];
    const at = `${path}.${jsonName}`;
    switch (field) {
      case 'id':
        consumer.id = string(v, at);
        break;
      case 'category':
        consumer.category = enumValue(v, at, CATEGORY);
        break;
      case 'zone':
        consumer.zone = enumValue(v, at, ZONE);
        break;
      case 'capacity_kw':
        consumer.capacityKw = v === null ? 0 : float32(v, at);
        break;
      case 'load_kw':
        // protobufjs writes any array-like of numbers; a Float32Array spares a JS number per reading.
        consumer.loadKw = float32List(v, at, scratch.loadKw) as unknown as number[];
        break;
      default: // water_m3
        consumer.waterM3 = float32List(v, at, scratch.waterM3) as unknown as number[];
    }
  }
  return consumer;
}
