// A ScoreBatchRequest in proto3 JSON read two ways: by @bufbuild/protobuf
// (built from proto/ by buf, an independent implementation) and by our
// jsonRequestToProto, then decoded back; the JSON codec tests compare the two.
import { fromBinary, fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import { jsonRequestToProto } from '../../engine/src/codec/json-request.js';
import { messageSchema } from '../../lib/proto-registry.js';

const text = new TextEncoder();

/** A request of these consumers (24 points a day from 2026-10-01). */
export const request = (consumers: unknown[]): JsonValue => ({ startDate: '2026-10-01', pointsPerDay: 24, consumers: consumers as JsonValue[] });

/** Our binary encoding of `json`. */
export const ours = (json: unknown) => jsonRequestToProto(text.encode(JSON.stringify(json)));

/** The request as @bufbuild/protobuf reads it from JSON and from our binary encoding of the same JSON, both as canonical JSON. */
export function bothWays(json: JsonValue): { reference: JsonValue; ours: JsonValue } {
  const schema = messageSchema('ScoreBatchRequest');
  return { reference: toJson(schema, fromJson(schema, json)), ours: toJson(schema, fromBinary(schema, ours(json))) };
}
