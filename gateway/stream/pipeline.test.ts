import { describe, expect, it } from 'vitest';
import type { BodyMemory } from '../rpc/adapter.js';
import { ServiceError } from '../rpc/codes.js';
import type { CallContext } from '../rpc/types.js';
import type { ScorePart } from '../tasks/protocol.js';
import { encodeFrame } from '../protocols/framing.js';
import { runScoreStream } from './pipeline.js';
import type { StreamReplyWriter } from './reply-writer.js';

/** A stream of one message that a worker is still scoring when the stream is aborted; its lease is logged. */
async function abortWhileScoring() {
  const events: string[] = [];
  let leases = 0;
  const bodies: BodyMemory = {
    lease: () => {
      const n = ++leases;
      return { allocate: (size) => (events.push(`allocate ${n}`), new SharedArrayBuffer(size)), release: () => void events.push(`release ${n}`) };
    },
  };
  let finishScoring!: (part: ScorePart) => void;
  const scoring = new Promise<ScorePart>((resolve) => (finishScoring = resolve));
  let scored!: () => void;
  const started = new Promise<void>((resolve) => (scored = resolve));
  // A test of a later message would need real parts for the responses of the earlier ones.
  const score = () => (scored(), scoring);
  const chunks = (async function* () {
    yield encodeFrame(0, new Uint8Array(100).fill(7));
    await new Promise(() => {}); // the client still sending
  })();
  const stop = new AbortController();
  const context: CallContext = { method: 'ScoreStream', protocol: 'grpc', requestId: 't', tenant: { id: 't', ruleSets: '*', defaultRuleSet: 'default' }, signal: stop.signal };
  const writer = { send: async () => true } as unknown as StreamReplyWriter;
  const run = runScoreStream(chunks, writer, context, { score, serialization: 'proto', maxMessageBytes: 1 << 20, maxInFlight: 2, budgetWeight: 1, bodies });
  run.catch(() => {});
  await started;
  const deadline = new ServiceError('deadline_exceeded', 'the deadline passed');
  stop.abort(deadline);
  await expect(run).rejects.toBe(deadline);
  const atAbort = [...events];
  finishScoring({} as ScorePart);
  await new Promise((resolve) => setImmediate(resolve));
  return { atAbort, after: events };
}

describe('runScoreStream, aborted while a worker scores a message', () => {
  it('ends at once with the reason, and gives the message’s buffer back only when the worker is done with it', async () => {
    const { atAbort, after } = await abortWhileScoring();
    expect(atAbort).toEqual(['allocate 1']); // the worker may still read the message
    expect(after).toEqual(['allocate 1', 'release 1']);
  });

});
