// A long CSV is scored in memory that does not grow with the file: two files
// from the generator (bench/tools/make-long-csv.ts), 200 and 2,000 consumers
// of 21 days × 48 points (201,600 and 2,016,000 rows, 7 and 70 MB), scored by
// the built command line; the peak resident set of each run is compared.
//
// Each run gets a 48 MB JavaScript heap (--max-old-space-size=48), so that
// the peak measures what is live, not how far V8 lets garbage pile up before it
// collects (without the cap the peak rises with the run's length: 185, 201 and
// 242 MB for 200, 2,000 and 6,000 consumers with features, measured; with it
// 134 and 140 MB with score).
// What is live: a 1 MiB chunk and its records, one consumer's rows in pass 2
// (1,008 here) and one block; per consumer only its id, pass 1's counters and
// pass 2's (about 100 bytes) and its result in the response (about 200 bytes):
// under 1 MB for 1,800 more consumers. Held whole, 1.8 M more rows would take
// 36 MB as typed arrays (8 B time + 8 B value + 4 B line) and about 180 MB as
// csv-parse strings: over the margin, or past the heap cap (the run fails).
// The absolute cap is Node.js itself (~60 MB), the engine's WASM memory, the
// 48 MB heap, and buffers outside it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../engine/src/package-root.js';
import { CLI } from '../../lib/gateway-process.js';
import { cliWorkspace } from '../../tests/support/cli.js';

const workspace = cliWorkspace('gridcode-memory-');
const MAKE_LONG_CSV = join(packageRoot, 'dist', 'bench', 'tools', 'make-long-csv.js');
/**
 * MB more at the larger file's peak than at the smaller's: below what holding
 * its rows would take (above). The growth measured is not live data (the live
 * heap is 16-17 MB after the last collection in both runs, --trace-gc) but
 * buffers outside the heap (each 1 MiB chunk read is copied) that wait for a
 * collection: 7, 15, 17, 18 and 21 MB in five runs on 2 cores, so 20 was too
 * tight; 30 still fails a reader that holds the rows.
 */
const GROWTH_MARGIN_MB = 30;
const PEAK_CAP_MB = 200;
const HEAP_MB = 48;

/** A preloaded module reports the process's peak resident set (KiB, getrusage's ru_maxrss) as it exits. */
const PEAK = `data:text/javascript,process.on('exit', () => process.stderr.write('PEAK_RSS_KB ' + process.resourceUsage().maxRSS + '\\n'));`;

interface Run {
  readonly rows: number;
  readonly seconds: number;
  readonly peakMb: number;
}

/** Generates `consumers` × 21 days × 48 points and scores them; the run's time and peak RSS. */
function scoreGenerated(consumers: number): Run {
  const path = join(workspace.dir(), `c${consumers}.csv`);
  const made = spawnSync(process.execPath, [MAKE_LONG_CSV, '--out', path, '--consumers', String(consumers), '--days', '21', '--points', '48'], { encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  const rows = consumers * 21 * 48;
  const output = join(workspace.dir(), `c${consumers}.json`);
  const started = performance.now();
  const run = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', PEAK, CLI, 'score', '--input', path, '--unit', 'kwh', '--output', output], { cwd: workspace.dir(), encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  expect(run.stderr).toContain(`${rows.toLocaleString('en-US')} rows, ${consumers.toLocaleString('en-US')} consumers`);
  expect(run.status).toBe(0);
  expect((JSON.parse(readFileSync(output, 'utf8')) as { summary: { total: number } }).summary.total).toBe(consumers);
  const peakMb = Number(/PEAK_RSS_KB (\d+)/.exec(run.stderr)![1]) / 1024;
  console.log(`long CSV, ${rows.toLocaleString('en-US')} rows: ${seconds.toFixed(1)} s, ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s, peak RSS ${peakMb.toFixed(0)} MB`);
  return { rows, seconds, peakMb };
}

describe('a long CSV', () => {
  it('is scored in a peak memory that does not grow with the file (200 and 2,000 consumers)', () => {
    const small = scoreGenerated(200);
    const large = scoreGenerated(2000);
    expect(large.peakMb - small.peakMb).toBeLessThan(GROWTH_MARGIN_MB);
    expect(large.peakMb).toBeLessThan(PEAK_CAP_MB);
  }, 120_000);
});
