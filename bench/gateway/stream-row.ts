// bench:gateway's ScoreStream row: the same request bodies as the ScoreBatch
// row of a size, sent for the same duration as the messages of one
// ScoreStream call (gRPC, h2c), so that the two are measured side by side.
import { runStream, type StreamRun } from './score-stream-client.js';

export interface StreamRow {
  readonly consumers_per_s: number;
  readonly consumers: number;
  readonly messages: number;
  readonly seconds: number;
  readonly status: string;
  readonly message: string;
}

/** Streams `bodies` (cycled) to `h2` for `seconds`; each body holds `size` consumers. */
export async function streamRow(h2: string, bodies: readonly Uint8Array[], size: number, seconds: number, token?: string): Promise<StreamRow> {
  let sent = 0;
  const until = performance.now() + seconds * 1000;
  const run: StreamRun = await runStream(
    h2,
    {
      next: async () => {
        if (performance.now() >= until) return undefined;
        const bytes = bodies[sent++ % bodies.length]!;
        return { count: size, bytes, done: () => undefined };
      },
    },
    { token },
  );
  return {
    consumers_per_s: Math.round(run.summary.total / run.seconds),
    consumers: run.summary.total,
    messages: sent,
    seconds: Math.round(run.seconds * 10) / 10,
    status: run.status,
    message: run.message,
  };
}
