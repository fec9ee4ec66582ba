// A batch with the follow-up fields (group, baseline_kw, watch) scored on the
// gateway's decoding path in this thread (JSON → protobuf, scan, engine,
// response), as JSON and as protobuf: the same results, the bad `since`
// GRAY with its note and the batch going on. Over the wire, with every
// protocol and ScoreStream, in follow-up.e2e.test.ts.
import { fromBinary, fromJsonString, toBinary, create, toJson, type JsonValue } from '@bufbuild/protobuf';
import { beforeAll, describe, expect, it } from 'vitest';
import { messageSchema } from '../../lib/proto-registry.js';
import { requestInit, requestJson } from '../../lib/score-requests.js';
import { InProcessGateway } from '../../tests/support/fuzz/in-process.js';
import { BAD_SINCE_NOTE, followUpConsumers, FOLLOW_UP_HEADER, WATCHES } from '../../tests/support/follow-up-batch.js';

const CONSUMERS = followUpConsumers(42);
let gateway: InProcessGateway;

beforeAll(async () => {
  gateway = await InProcessGateway.start();
}, 60_000);

async function score(serialization: 'json' | 'proto'): Promise<JsonValue> {
  const schema = messageSchema('ScoreBatchRequest');
  const bytes = serialization === 'json' ? new TextEncoder().encode(requestJson(FOLLOW_UP_HEADER, CONSUMERS)) : toBinary(schema, create(schema, requestInit(FOLLOW_UP_HEADER, CONSUMERS)));
  const outcome = await gateway.run({ method: 'ScoreBatch', serialization, kind: 'follow-up', bytes });
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  const response = messageSchema('ScoreBatchResponse');
  // A JSON answer through binary too, so that its floats are float32 as the binary answer's are.
  const binary = serialization === 'json' ? toBinary(response, fromJsonString(response, new TextDecoder().decode(outcome.bytes))) : outcome.bytes;
  return toJson(response, fromBinary(response, binary));
}

describe('ScoreBatch with follow-up fields, in process', () => {
  it('JSON and protobuf requests give the same response', async () => {
    const [json, proto] = await Promise.all([score('json'), score('proto')]);
    expect(json).toEqual(proto);
    const results = (proto as { results: { id: string; code?: string; note?: string }[] }).results;
    expect(results).toHaveLength(CONSUMERS.length);
    CONSUMERS.forEach((c, i) => {
      const bad = c.watch === WATCHES[4];
      expect(results[i]!.code === 'CODE_GRAY' && results[i]!.note === BAD_SINCE_NOTE, c.id).toBe(bad);
    });
  });
});
