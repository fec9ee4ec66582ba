// bench:city from a file (`--input`): the consumers of a real export (any
// input format of `gridcode score`: protobuf or JSON batches, wide or long
// CSV meter exports, gzip) instead of generated ones. Reading a CSV costs far
// more per consumer than scoring it (a 30-day × 48 long CSV is 1,440 rows a
// consumer), so the file is read whole before the run, its rate measured and
// printed, and its requests cycled until --consumers have been sent, like the
// generated pool (feeds.ts). The requests are held in memory: --pool-bytes
// caps them, and a bigger file is cut at a whole request, said in the log.
import type { BatchFile } from '../../cli/batch-file.js';
import { requestBytes } from '../../cli/batch-request.js';
import { WireReader } from '../../engine/src/wire/reader.js';
import { mib, thousands } from '../gateway/server.js';
import { finishInput, openCommandInput } from '../../cli/open-batch.js';
import { distinctFeed, poolFeed, type Args, type BatchFeed } from './feeds.js';

/** Makes a run's feed (each mode's run makes its own), with the consumers it sends in all. */
export interface FeedMaker {
  (): Promise<BatchFeed>;
  readonly consumers: number;
}

/** The feeds of a run: from --input (read once, here; with no --consumers, the file's consumers once), generated afresh, or a generated pool. */
export async function feedMaker(args: Args, log: (line: string) => void): Promise<FeedMaker> {
  const input = args.input;
  if (input === undefined) return Object.assign(async () => (args.distinct ? distinctFeed(args) : poolFeed(args, log)), { consumers: args.consumers });
  const { batch } = await openCommandInput(input.arg, input.csv, true);
  let read: FileRequests;
  try {
    read = readRequests(batch, args.batch, input.poolBytes);
    finishInput(batch, input.csv);
  } finally {
    batch.close();
  }
  const consumers = args.consumers || read.consumers;
  const name = input.arg === '-' ? 'standard input' : input.arg;
  return Object.assign(async () => fileFeed(read, consumers, name, log), { consumers });
}

export interface FileRequests {
  /** ScoreBatchRequest bytes of at most `batch` consumers each, in file order. */
  readonly requests: readonly { readonly count: number; readonly bytes: Uint8Array }[];
  /** Consumers in the requests (all of the file's unless cut at the byte cap). */
  readonly consumers: number;
  readonly fileConsumers: number;
  readonly seconds: number;
}

/** Reads `file` into requests of `batch` consumers, holding at most `maxBytes` of them. */
export function readRequests(file: BatchFile, batch: number, maxBytes: number): FileRequests {
  const started = performance.now();
  const requests: { count: number; bytes: Uint8Array }[] = [];
  let held = 0;
  let consumers = 0;
  let full = false;
  // A request may span blocks: its consumers are gathered as bytes until it has `batch`.
  let pending: Uint8Array[] = [];
  let pendingCount = 0;
  const flush = () => {
    if (pendingCount === 0) return;
    const bytes = Buffer.concat([requestBytes(file, file.options), ...pending]);
    if (held + bytes.length > maxBytes && requests.length > 0) full = true;
    else {
      requests.push({ count: pendingCount, bytes });
      held += bytes.length;
      consumers += pendingCount;
    }
    pending = [];
    pendingCount = 0;
  };
  for (const block of file.blocks()) {
    const count = block.spans.length >> 1;
    for (let from = 0; from < count && !full; ) {
      const to = Math.min(count, from + batch - pendingCount);
      // Copied: the block's bytes are a reused buffer.
      pending.push(Uint8Array.from(requestBytes(file, undefined, block, from, to)));
      pendingCount += to - from;
      from = to;
      if (pendingCount === batch) flush();
    }
    if (full) break;
  }
  if (!full) flush();
  return { requests, consumers, fileConsumers: file.consumerCount, seconds: (performance.now() - started) / 1000 };
}

/** The feed of `total` consumers from a file's requests, cycled (the last request cut short to end at `total`). */
export function fileFeed(read: FileRequests, total: number, name: string, log: (line: string) => void): BatchFeed {
  const rate = read.consumers / read.seconds;
  const bytes = read.requests.reduce((sum, r) => sum + r.bytes.length, 0);
  log(
    `client: read ${thousands(read.consumers)} consumers${read.consumers < read.fileConsumers ? ` (the first of ${thousands(read.fileConsumers)}: the rest is over --pool-bytes)` : ''} from ${name} in ${read.seconds.toFixed(1)} s ` +
      `(${thousands(rate)} consumers/s), ${read.requests.length} requests, ${mib(bytes)} held`,
  );
  if (read.consumers === 0) throw new Error(`${name} has no consumers to send`);
  let sent = 0;
  let next = 0;
  return {
    generationRate: () => rate,
    description: `${thousands(read.consumers)} consumers of ${name}${total > read.consumers ? `, cycled ${(total / read.consumers).toFixed(1)} times; consumer ids repeat` : ''}`,
    next: async () => {
      if (sent >= total) return undefined;
      const request = read.requests[next]!;
      next = (next + 1) % read.requests.length;
      if (sent + request.count <= total) {
        sent += request.count;
        return { count: request.count, bytes: request.bytes, done: () => undefined };
      }
      // The last request, cut to end at `total`: re-encoded from its own consumers.
      const count = total - sent;
      sent = total;
      return { count, bytes: firstConsumers(request.bytes, count), done: () => undefined };
    },
    close: async () => undefined,
  };
}

/** The request `bytes` with only its first `count` consumers (field 4) kept. */
function firstConsumers(bytes: Uint8Array, count: number): Uint8Array {
  const reader = new WireReader(bytes, 0, bytes.length);
  const kept: Uint8Array[] = [];
  let consumers = 0;
  while (reader.pos < reader.end) {
    const start = reader.pos;
    const tag = reader.tag();
    reader.skip(tag & 7);
    if (tag >>> 3 !== CONSUMERS_FIELD || consumers++ < count) kept.push(bytes.subarray(start, reader.pos));
  }
  return Buffer.concat(kept);
}

/** ScoreBatchRequest.consumers. */
const CONSUMERS_FIELD = 4;
