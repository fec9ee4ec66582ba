// bench:city over ScoreStream: the same population and batches as the
// ScoreBatch run, sent as the messages of ONE call (gRPC on the h2c port),
// with the answers read as they come. Memory is the sampled peak of VmRSS
// during the stream (VmHWM covers the whole process, the batch run included).
import { runStream } from '../gateway/score-stream-client.js';
import { mib, RssSampler, thousands, type Summary } from '../gateway/server.js';
import type { Args, BatchFeed } from './feeds.js';
import { clock, Progress } from './progress.js';

export interface CityStreamResult {
  readonly failed: boolean;
  readonly output: Record<string, unknown>;
}

export async function cityStream(args: Args, makeFeed: () => Promise<BatchFeed>, h2: string, batchSampler: RssSampler | undefined, log: (line: string) => void): Promise<CityStreamResult> {
  log('');
  log(`ScoreStream: the same ${thousands(args.consumers)} consumers in one call (gRPC, ${h2}), one message per batch of ${args.batch}`);
  const feed = await makeFeed();
  const pid = batchSampler?.pid;
  const sampler = pid === undefined ? undefined : new RssSampler(pid, 100).start();
  const progress = new Progress(args.consumers, performance.now());
  const run = await runStream(h2, feed, { token: args.token, progress: (n) => progress.update(n) });
  progress.finish(run.summary.total || run.results);
  sampler?.stop();
  await feed.close();
  const rate = run.summary.total / run.seconds;
  const peak = sampler ? sampler.peakSampled : null;
  const ok = run.status === '0' && run.summary.total === args.consumers;
  log(
    `streamed ${thousands(run.summary.total)} consumers in ${clock(run.seconds)} (${run.seconds.toFixed(1)} s): ${thousands(rate)} consumers/s, ` +
      `${run.responses} responses, status ${run.status}${run.message ? ` (${run.message})` : ''}`,
  );
  log(`server RSS during the stream: ${peak === null ? 'not measured (no pid)' : `${mib(peak)} at most (VmRSS sampled every 100 ms)`}`);
  log(`codes: ${codeLine(run.summary)}`);
  return {
    failed: !ok,
    output: { consumers: run.summary.total, seconds: Math.round(run.seconds * 10) / 10, consumers_per_s: Math.round(rate), responses: run.responses, status: run.status, message: run.message, peak_rss_sampled_bytes: peak, codes: { green: run.summary.green, yellow: run.summary.yellow, red: run.summary.red, gray: run.summary.gray } },
  };
}

function codeLine(summary: Summary): string {
  const share = (n: number) => `${thousands(n)} (${((100 * n) / Math.max(1, summary.total)).toFixed(2)} %)`;
  return `green ${share(summary.green)}, yellow ${share(summary.yellow)}, red ${share(summary.red)}, gray ${share(summary.gray)}`;
}
