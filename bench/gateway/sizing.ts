// How many connections one row of bench:gateway may use against the server's
// limits. Each connection has one request in flight, so at the default 4
// connections 10,000-consumer bodies (110 MiB) would need 440 MiB of a
// 256 MiB maxInflightBytes: a share of them is refused with
// resource_exhausted at once, and the row measures refusals rather than
// scoring. Sized to the limits, a refusal is a finding, not noise.

/** MiB for a message: one decimal below 10 MiB, where rounding to whole MiB would make 4 × 1.1 look like 4 × 1. */
export function mib(bytes: number): string {
  const m = bytes / 2 ** 20;
  return `${m < 10 ? m.toFixed(1).replace(/\.0$/, '') : m.toFixed(0)} MiB`;
}

/** What the bench knows of the server's limits; undefined where it cannot know. */
export interface ServerLimits {
  /** maxInflightBytes, from gridcode_inflight_request_bytes_limit. */
  readonly inflightBytes: number | undefined;
  /** maxBodyBytes: known for a gateway the bench started; for --url only once a body was refused for its size. */
  readonly bodyBytes: number | undefined;
  /** What can fill the pool's queue: known only for a gateway the bench started (maxQueue is not in /metrics). */
  readonly queue: QueueLimits | undefined;
}

export interface QueueLimits {
  readonly maxQueue: number;
  readonly workers: number;
  /** A body from this size on is split into one task per worker (when there are two or more). */
  readonly splitThresholdBytes: number;
}

export type Sizing =
  | { readonly kind: 'run'; readonly connections: number; /** Why fewer than asked; empty when all of them. */ readonly reasons: readonly string[] }
  | { readonly kind: 'skip'; readonly reason: string };

/** Tasks one request becomes in the pool: a body from the split threshold on is one per worker. */
export function tasksPerRequest(bodyBytes: number, queue: QueueLimits): number {
  return queue.workers >= 2 && bodyBytes >= queue.splitThresholdBytes ? queue.workers : 1;
}

/**
 * The connections for bodies of `bodyBytes` (the largest of the row): at most
 * `requested`, at least 1 (a request alone always fits the byte budget: the
 * server never charges one more than the whole budget), or a skip when the
 * body is over the body limit.
 */
export function sizeConnections(bodyBytes: number, requested: number, limits: ServerLimits): Sizing {
  if (!Number.isSafeInteger(bodyBytes) || bodyBytes < 0) throw new RangeError(`a body size must be a whole number of bytes, not ${bodyBytes}`);
  if (!Number.isSafeInteger(requested) || requested < 1) throw new RangeError(`connections must be a whole number from 1, not ${requested}`);
  if (limits.bodyBytes !== undefined && bodyBytes > limits.bodyBytes) {
    return { kind: 'skip', reason: `its ${mib(bodyBytes)} bodies (${bodyBytes} bytes) exceed the server's body limit of ${mib(limits.bodyBytes)} (maxBodyBytes ${limits.bodyBytes})` };
  }
  let connections = requested;
  const reasons: string[] = [];
  // Bytes in flight: every connection holds one body from its first byte read until it is answered.
  if (limits.inflightBytes !== undefined && limits.inflightBytes > 0 && connections * bodyBytes > limits.inflightBytes) {
    const fit = Math.max(1, Math.floor(limits.inflightBytes / Math.max(1, bodyBytes)));
    reasons.push(`${connections} × ${mib(bodyBytes)} exceed the server's ${mib(limits.inflightBytes)} in-flight budget (maxInflightBytes)`);
    connections = fit;
  }
  // The queue: the tasks of the requests in flight, less one running per worker, wait in it.
  if (limits.queue !== undefined) {
    const tasks = tasksPerRequest(bodyBytes, limits.queue);
    if (connections * tasks - limits.queue.workers > limits.queue.maxQueue) {
      const fit = Math.max(1, Math.floor((limits.queue.maxQueue + limits.queue.workers) / tasks));
      reasons.push(`${connections} requests of ${tasks} task${tasks === 1 ? '' : 's'} each would leave more than maxQueue ${limits.queue.maxQueue} waiting for ${limits.queue.workers} worker${limits.queue.workers === 1 ? '' : 's'}`);
      connections = fit;
    }
  }
  return { kind: 'run', connections, reasons };
}

/** The line bench:gateway prints for a row run with fewer connections than asked, or undefined. */
export function sizingLine(batch: number, sizing: Sizing): string | undefined {
  const consumers = `${batch.toLocaleString('en-US')} consumers per request`;
  if (sizing.kind === 'skip') return `${consumers}: skipped, since ${sizing.reason}`;
  if (sizing.reasons.length === 0) return undefined;
  return `${consumers}: ${sizing.connections} connection${sizing.connections === 1 ? '' : 's'}, since ${sizing.reasons.join(', and ')}`;
}
