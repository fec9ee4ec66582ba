// Reading a canonical proto3 JSON ScoreBatchRequest: its header fields and its
// consumers, checked field by field (see json-values.ts for the value rules),
// each consumer ready for `Consumer.encode`. The command line reads a file's
// members a few at a time with these; a request held whole (the gateway's) is
// turned into binary protobuf by jsonRequestToProto, so that JSON and binary
// requests are scored by one path.
import protobuf from 'protobufjs/minimal.js';
import { gridcode } from '#gen/scoring.js';
import { BatchError } from '../errors.js';
import type { RequestHeader } from '../wire/request.js';
import { bool, CATEGORY, enumValue, fieldNames, float32, float32List, JsonValueError, jsonNames, object, string, uint32, ZONE } from './json-values.js';
import { watchFromJson } from './json-watch.js';

/** The accepted JSON names of a ScoreBatchRequest's fields, mapped to their proto names. */
export const REQUEST_JSON_FIELDS = fieldNames('rule_set', 'start_date', 'points_per_day', 'consumers', 'include_features', 'flagged_only', 'include_evidence');
const CONSUMER_JSON_FIELDS = fieldNames('id', 'category', 'zone', 'capacity_kw', 'load_kw', 'water_m3', 'group', 'baseline_kw', 'watch', 'district');

/** A parsed member, with the name it was given under. */
export interface FieldValue {
  readonly jsonName: string;
  readonly value: unknown;
}

/** The request's fields other than `consumers`, from its members (by proto name); absent ones are proto3 defaults. Throws JsonValueError. */
export function requestHeader(members: ReadonlyMap<string, FieldValue>): RequestHeader {
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

export function consumerScratch(): ConsumerScratch {
  return { loadKw: { buffer: new Float32Array(4096) }, waterM3: { buffer: new Float32Array(512) } };
}

export type JsonConsumer = gridcode.v1.Consumer.$Properties & { id: string };

/** Consumer `index` of the batch as protobufjs properties, ready for `Consumer.encode`. Throws JsonValueError. */
export function consumerFromJson(value: unknown, index: number, scratch: ConsumerScratch): JsonConsumer {
  const path = `consumers[${index}]`;
  const members = object(value, path);
  const consumer: JsonConsumer = { id: '' };
  const given = new Map<string, string>();
  for (const jsonName in members) {
    const field = CONSUMER_JSON_FIELDS.get(jsonName);
    if (field === undefined) throw new JsonValueError(path, `unknown field ${JSON.stringify(jsonName)}; a Consumer has ${jsonNames(CONSUMER_JSON_FIELDS)}`);
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
      case 'group':
        consumer.group = string(v, at);
        break;
      case 'district':
        consumer.district = string(v, at);
        break;
      case 'baseline_kw':
        consumer.baselineKw = v === null ? 0 : float32(v, at);
        break;
      case 'watch':
        if (v !== null) consumer.watch = watchFromJson(v, at);
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

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A JSON ScoreBatchRequest held whole, as a binary protobuf one. Throws
 * BatchError (invalid_argument) for a bad one, or one of more than
 * `maxConsumers` consumers.
 */
export function jsonRequestToProto(bytes: Uint8Array, limits: { readonly maxConsumers?: number } = {}): Uint8Array {
  const invalid = (message: string) => new BatchError('invalid_argument', message);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw invalid('the JSON request is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`the request is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid('the request must be a JSON object (a ScoreBatchRequest)');
  const members = new Map<string, FieldValue>();
  for (const [jsonName, member] of Object.entries(value as Record<string, unknown>)) {
    const field = REQUEST_JSON_FIELDS.get(jsonName);
    if (field === undefined) throw invalid(`unknown field ${JSON.stringify(jsonName)} in the request; a ScoreBatchRequest has ${jsonNames(REQUEST_JSON_FIELDS)}`);
    const earlier = members.get(field);
    if (earlier) throw invalid(`the request gives ${field} twice (as ${JSON.stringify(earlier.jsonName)} and ${JSON.stringify(jsonName)})`);
    members.set(field, { jsonName, value: member });
  }
  try {
    const header = requestHeader(members);
    const consumers = members.get('consumers');
    const list = consumers?.value ?? null;
    if (list !== null && !Array.isArray(list)) throw invalid(`${consumers!.jsonName}: expected a list of consumer objects`);
    const count = list?.length ?? 0;
    if (limits.maxConsumers !== undefined && count > limits.maxConsumers) throw invalid(`batch has ${count} consumers; the limit is ${limits.maxConsumers}`);
    const writer = protobuf.Writer.create();
    gridcode.v1.ScoreBatchRequest.encode(
      {
        ruleSet: header.ruleSet,
        startDate: header.startDate,
        pointsPerDay: header.pointsPerDay,
        includeFeatures: header.includeFeatures,
        flaggedOnly: header.flaggedOnly,
        includeEvidence: header.includeEvidence,
      },
      writer,
    );
    const scratch = consumerScratch();
    for (let i = 0; i < count; i++) {
      const consumer = consumerFromJson((list as unknown[])[i], i, scratch);
      // Field 4, length-delimited, as the generated encoder writes a repeated message.
      gridcode.v1.Consumer.encode(consumer, writer.uint32(((4 << 3) | 2) >>> 0).fork()).ldelim();
    }
    return writer.finish();
  } catch (error) {
    if (error instanceof JsonValueError) throw invalid(error.message);
    throw error;
  }
}
