// A canonical proto3 JSON ScoreBatchRequest → binary protobuf, checked field
// by field with the command line's rules (cli/json-request.ts), so that the
// worker scores JSON and protobuf batches by the same path.
import protobuf from 'protobufjs/minimal.js';
import { gridcode } from '#gen/scoring.js';
import { consumerFromJson, REQUEST_FIELDS, requestHeader, type ConsumerScratch, type FieldValue } from '../../cli/json-request.js';
import { JsonValueError, jsonNames } from '../../cli/json-values.js';
import type { WorkerLimits } from './protocol.js';
import { TaskError } from './task-error.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a JSON request as a ScoreBatchRequest. Throws TaskError (invalid_argument) for a bad one. */
export function jsonRequestToProto(bytes: Uint8Array, limits: WorkerLimits): Uint8Array {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new TaskError('invalid_argument', 'the JSON request is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TaskError('invalid_argument', `the request is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TaskError('invalid_argument', 'the request must be a JSON object (a ScoreBatchRequest)');
  const members = new Map<string, FieldValue>();
  for (const [jsonName, member] of Object.entries(value as Record<string, unknown>)) {
    const field = REQUEST_FIELDS.get(jsonName);
    if (field === undefined) throw new TaskError('invalid_argument', `unknown field ${JSON.stringify(jsonName)} in the request; a ScoreBatchRequest has ${jsonNames(REQUEST_FIELDS)}`);
    const earlier = members.get(field);
    if (earlier) throw new TaskError('invalid_argument', `the request gives ${field} twice (as ${JSON.stringify(earlier.jsonName)} and ${JSON.stringify(jsonName)})`);
    members.set(field, { jsonName, value: member });
  }
  try {
    const header = requestHeader(members);
    const consumers = members.get('consumers');
    const list = consumers?.value ?? null;
    if (list !== null && !Array.isArray(list)) throw new TaskError('invalid_argument', `${consumers!.jsonName}: expected a list of consumer objects`);
    const count = list?.length ?? 0;
    if (count > limits.maxConsumers) throw new TaskError('invalid_argument', `batch has ${count} consumers; the limit is ${limits.maxConsumers}`);
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
    const scratch: ConsumerScratch = { loadKw: { buffer: new Float32Array(4096) }, waterM3: { buffer: new Float32Array(512) } };
    for (let i = 0; i < count; i++) {
      const consumer = consumerFromJson((list as unknown[])[i], i, scratch);
      // Field 4, length-delimited, as the generated encoder writes a repeated message.
      gridcode.v1.Consumer.encode(consumer, writer.uint32(((4 << 3) | 2) >>> 0).fork()).ldelim();
    }
    return writer.finish();
  } catch (error) {
    if (error instanceof JsonValueError) throw new TaskError('invalid_argument', error.message);
    throw error;
  }
}
