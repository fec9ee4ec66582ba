// One ScoreStream from request messages to response messages, in bounded
// memory whatever its length (api.md, ScoreStream):
//
// - the first message is scored alone: its part carries the stream's header
//   (rule set pinned to `id@version`, date, points per day, flags), under
//   which every later message is scored;
// - then up to `maxInFlight` messages are scored at once (the workers), and
//   their responses written in request order;
// - reading stops while that many are in flight or while a response waits
//   for the client to read (the writer waits for 'drain'), so HTTP/2 flow
//   control holds the client back: at most `maxInFlight` messages, one being
//   read, and one response are held, each at most `maxMessageBytes`;
// - a full server (the pool's queue, the byte budget) makes the stream wait,
//   not fail: a stream is one long call, and refusing it half-way would lose
//   the work done;
// - any error (a bad message, the client gone, the deadline, shutdown) ends
//   the stream with its code; a bad consumer is a GRAY result, as in ScoreBatch.
import { ServiceError } from '../rpc/codes.js';
import type { ByteBudget } from '../middleware/admission/byte-budget.js';
import type { BodyLease, BodyMemory } from '../rpc/adapter.js';
import { freshBodies } from '../protocols/body.js';
import type { CallContext, Serialization, UnaryRequest } from '../rpc/types.js';
import type { ScorePart, StreamHeader } from '../tasks/protocol.js';
import { MessageReader } from '../protocols/message-reader.js';
import { untilAborted } from '../protocols/until-aborted.js';
import { isBusy, pause } from './busy.js';
import type { StreamReplyWriter } from './reply-writer.js';
import { StreamResponses } from './responses.js';
import { StreamCohorts, type StreamCohortsRunner } from './stream-cohorts.js';

export type ScoreStreamPart = (request: UnaryRequest, header: StreamHeader | undefined, context: CallContext) => Promise<ScorePart>;

export interface PipelineOptions {
  readonly score: ScoreStreamPart;
  readonly serialization: Serialization;
  readonly maxMessageBytes: number;
  readonly maxInFlight: number;
  /** Request bytes held while messages are scored (JSON weighs 3, as in admission). */
  readonly budget?: ByteBudget | undefined;
  readonly budgetWeight: number;
  /** Settles messages that come back deferred (their consumers have groups); a stream without it cannot. */
  readonly cohorts?: StreamCohortsRunner | undefined;
  /** Where messages are read (default: an ArrayBuffer each); each one's lease is released once it is scored. */
  readonly bodies?: BodyMemory | undefined;
}

export interface StreamOutcome {
  readonly requestBytes: number;
  readonly messages: number;
  readonly consumers: number;
}

/**
 * Runs the stream: reads `messages` (the request's chunks), writes the
 * responses, resolves with what it did. Throws the error that ended it (the
 * caller writes it as the stream's status); `context.signal` aborts it.
 */
export async function runScoreStream(chunks: AsyncIterable<Uint8Array>, writer: StreamReplyWriter, context: CallContext, options: PipelineOptions): Promise<StreamOutcome> {
  const { signal } = context;
  // One lease per message, in the order the reader allocates them, which is the order it completes them.
  const bodies = options.bodies ?? freshBodies;
  const leases: BodyLease[] = [];
  const reader = new MessageReader(options.maxMessageBytes, (length) => {
    const lease = bodies.lease();
    leases.push(lease);
    return lease.allocate(length);
  });
  const responses = new StreamResponses(options.serialization);
  const cohorts = new StreamCohorts(options.cohorts, options.serialization, context);
  const pending: Promise<ScorePart>[] = [];
  let header: StreamHeader | undefined;
  let requestBytes = 0;
  let messages = 0;

  const send = async (message: Uint8Array): Promise<void> => {
    if (!(await writer.send(message))) throw signal.aborted ? signal.reason : new ServiceError('canceled', 'the client went away');
  };
  // In request order: phase 2 of the cohorts runs here, one message after another.
  // Every wait on a worker ends as soon as the stream is aborted (deadline, cancel, shutdown): a task a worker
  // started runs to its end, and only its own promise, not the stream's status, waits for it (until-aborted.ts).
  const emit = async (part: ScorePart): Promise<void> => send(responses.next(await untilAborted(cohorts.settle(part, header!), signal)));
  const scoreMessage = (message: Uint8Array, streamHeader: StreamHeader | undefined): Promise<ScorePart> => {
    const lease = leases.shift()!;
    // The lease goes back when the worker is done with the message, which may be after the stream ended.
    const scored = untilAborted(score(message, streamHeader, context, options).finally(lease.release), signal);
    scored.catch(() => {}); // awaited in order below; an early failure must not be an unhandled rejection meanwhile
    return scored;
  };

  const iterator = chunks[Symbol.asyncIterator]();
  try {
    // Awaited or raced below, maybe only after an emit: caught here too, so that a read failing meanwhile
    // (the client reset the stream) is not an unhandled rejection.
    const nextChunk = (): Promise<IteratorResult<Uint8Array>> => {
      const next = iterator.next();
      next.catch(() => {});
      return next;
    };
    let reading = nextChunk();
    for (;;) {
      // A response is written as soon as it is ready, not only when the next chunk comes or the window is full:
      // a client may wait for an answer before it sends more.
      const next = pending.length > 0 ? await Promise.race([reading.then((read) => ({ read })), pending[0]!.then((part) => ({ part }))]) : { read: await reading };
      if ('part' in next) {
        pending.shift();
        await emit(next.part);
        continue;
      }
      const { read } = next;
      if (read.done) break;
      const chunk = read.value;
      if (signal.aborted) throw signal.reason;
      requestBytes += chunk.byteLength;
      for (const message of reader.push(chunk)) {
        messages++;
        if (!header) {
          const first = await scoreMessage(message, undefined);
          header = first.header;
          if (!header) throw new Error('a ScoreStream part came back without its header');
          await emit(first);
          continue;
        }
        pending.push(scoreMessage(message, header));
        while (pending.length >= options.maxInFlight) await emit(await pending.shift()!);
      }
      reading = nextChunk();
    }
    if (reader.midMessage) throw new ServiceError('invalid_argument', 'the request stream ended inside a message (shorter than its length prefix)');
    while (pending.length > 0) await emit(await pending.shift()!);
    await send(responses.last(await untilAborted(cohorts.finish(header), signal)));
    return { requestBytes, messages, consumers: responses.consumers };
  } catch (error) {
    // What is still being scored is not wanted any more; its rejections are already caught.
    pending.length = 0;
    throw error;
  } finally {
    // A message cut short by the end of the stream was never scored.
    for (const lease of leases.splice(0)) lease.release();
  }
}

/** Scores one message, waiting (not failing) while the server is full. */
async function score(message: Uint8Array, header: StreamHeader | undefined, context: CallContext, options: PipelineOptions): Promise<ScorePart> {
  const reservation = options.budget?.open(options.budgetWeight);
  try {
    while (reservation && !reservation.take(message.byteLength)) await pause(context.signal);
    for (;;) {
      const request: UnaryRequest = { serialization: options.serialization, buffer: message.buffer as ArrayBuffer, offset: message.byteOffset, length: message.byteLength };
      try {
        return await options.score(request, header, context);
      } catch (error) {
        // Refused by a full pool before the message moved to a worker: ask again.
        const moved = message.byteLength > 0 && message.buffer.byteLength === 0;
        if (!isBusy(error) || moved) throw error;
        await pause(context.signal);
      }
    }
  } finally {
    reservation?.release();
  }
}
