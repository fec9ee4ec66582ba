import type { WireConsumers } from '../engine.js';
import { decodeString, WireReader, WireType } from './reader.js';

/** Field numbers of `ScoreBatchRequest` in proto/gridcode/v1/scoring.proto. */
export const RequestField = { ruleSet: 1, startDate: 2, pointsPerDay: 3, consumers: 4, includeFeatures: 5, flaggedOnly: 6, includeEvidence: 7 } as const;

/** Each known field's proto name and the wire type it must have, by field number (for readers and their messages). */
export const REQUEST_FIELDS: Readonly<Record<number, { readonly name: string; readonly wireType: number }>> = {
  1: { name: 'rule_set', wireType: WireType.bytes },
  2: { name: 'start_date', wireType: WireType.bytes },
  3: { name: 'points_per_day', wireType: WireType.varint },
  4: { name: 'consumers', wireType: WireType.bytes },
  5: { name: 'include_features', wireType: WireType.varint },
  6: { name: 'flagged_only', wireType: WireType.varint },
  7: { name: 'include_evidence', wireType: WireType.varint },
};
const { ruleSet: RULE_SET, startDate: START_DATE, pointsPerDay: POINTS_PER_DAY, consumers: CONSUMERS, includeFeatures: INCLUDE_FEATURES, flaggedOnly: FLAGGED_ONLY, includeEvidence: INCLUDE_EVIDENCE } = RequestField;

/** A ScoreBatchRequest's fields other than its consumers, as sent (proto3 defaults when absent). */
export interface RequestHeader {
  /** `id`, `id@version`, or '' for the caller's default rule set. */
  readonly ruleSet: string;
  readonly startDate: string;
  /** As sent: 0 means 96; parseBatchHeader validates it. */
  readonly pointsPerDay: number;
  readonly includeFeatures: boolean;
  readonly flaggedOnly: boolean;
  readonly includeEvidence: boolean;
}

/** A ScoreBatchRequest located in its bytes: header fields decoded, consumers left as byte ranges. */
export interface RequestIndex extends RequestHeader {
  readonly consumers: WireConsumers;
}

/**
 * Scans a serialized ScoreBatchRequest without decoding the readings. Fields
 * may come in any order and repeat (the last scalar wins), unknown fields are
 * skipped, as protobuf parsers must. Malformed bytes throw BatchError.
 */
export function scanRequest(bytes: Uint8Array): RequestIndex {
  const reader = new WireReader(bytes, 0, bytes.length);
  let ruleSet = '';
  let startDate = '';
  let pointsPerDay = 0;
  let includeFeatures = false;
  let flaggedOnly = false;
  let includeEvidence = false;
  let spans = new Int32Array(256);
  let count = 0;
  while (reader.pos < reader.end) {
    const tag = reader.tag();
    const type = tag & 7;
    switch (tag >>> 3) {
      case RULE_SET:
      case START_DATE: {
        const name = tag >>> 3 === RULE_SET ? 'rule_set' : 'start_date';
        reader.expect(WireType.bytes, type, name);
        const length = reader.length();
        const value = decodeString(reader, reader.pos, (reader.pos += length), name);
        if (tag >>> 3 === RULE_SET) ruleSet = value;
        else startDate = value;
        break;
      }
      case POINTS_PER_DAY: {
        reader.expect(WireType.varint, type, 'points_per_day');
        // uint32: a larger varint is truncated to its low 32 bits, as protobuf does.
        pointsPerDay = reader.low32();
        break;
      }
      case CONSUMERS: {
        reader.expect(WireType.bytes, type, 'consumers');
        const length = reader.length();
        if (2 * count + 2 > spans.length) {
          const grown = new Int32Array(spans.length * 2);
          grown.set(spans);
          spans = grown;
        }
        spans[2 * count] = reader.pos;
        spans[2 * count + 1] = reader.pos += length;
        count++;
        break;
      }
      case INCLUDE_FEATURES:
      case FLAGGED_ONLY:
      case INCLUDE_EVIDENCE: {
        reader.expect(WireType.varint, type, 'a bool field');
        const value = reader.varint() !== 0;
        if (tag >>> 3 === INCLUDE_FEATURES) includeFeatures = value;
        else if (tag >>> 3 === FLAGGED_ONLY) flaggedOnly = value;
        else includeEvidence = value;
        break;
      }
      default:
        reader.skip(type);
    }
  }
  return { ruleSet, startDate, pointsPerDay, includeFeatures, flaggedOnly, includeEvidence, consumers: { bytes, spans: spans.subarray(0, 2 * count) } };
}
