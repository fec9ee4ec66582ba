// Command-line flags of `npm run bench:engine -- …`.
import { parseArgs } from 'node:util';
import { intOption as int } from './gateway/target-args.js';

export interface BenchArgs {
  readonly consumers: number;
  /** Consumers per engine call (and per JS output matrix). */
  readonly batch: number;
  readonly days: number;
  readonly points: number;
  /** Timed rounds per implementation; each round covers the whole population. */
  readonly rounds: number;
  /** Consumers compared value by value, engine vs JS, before timing. */
  readonly check: number;
  readonly seed: number;
  readonly startDate: string;
  readonly json: boolean;
  /** Time anyway when engine and JS disagree (the figures are then not comparable). */
  readonly allowMismatch: boolean;
}

export const USAGE = `usage: npm run bench:engine -- [options]
  --consumers N     population size (default 20000)
  --batch N         consumers per engine call (default 2000)
  --days D          days per curve, 1..400 (default 30)
  --points P        readings per day: 24, 48, 96 or 288 (default 96)
  --rounds R        timed rounds of each implementation (default 7)
  --check N         consumers compared engine vs JS before timing (default 50)
  --seed S          population seed (default 20240304)
  --start-date D    YYYY-MM-DD of reading 0 (default 2024-03-04, a Monday)
  --json            print one JSON object on stdout, progress on stderr
  --allow-mismatch  time even when engine and JS values disagree`;

export function parseBenchArgs(argv: readonly string[]): BenchArgs | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      consumers: { type: 'string' },
      batch: { type: 'string' },
      days: { type: 'string' },
      points: { type: 'string' },
      rounds: { type: 'string' },
      check: { type: 'string' },
      seed: { type: 'string' },
      'start-date': { type: 'string' },
      json: { type: 'boolean' },
      'allow-mismatch': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const consumers = int('consumers', values.consumers, 20000, 1, 10_000_000);
  const points = int('points', values.points, 96, 24, 288);
  if (![24, 48, 96, 288].includes(points)) throw new Error(`--points ${points}: use 24, 48, 96 or 288`);
  return {
    consumers,
    batch: Math.min(consumers, int('batch', values.batch, 2000, 1, 1_000_000)),
    days: int('days', values.days, 30, 1, 400),
    points,
    rounds: int('rounds', values.rounds, 7, 1, 1000),
    check: Math.min(consumers, int('check', values.check, 50, 0, 1_000_000)),
    seed: int('seed', values.seed, 20240304, 0, 2 ** 32 - 1),
    startDate: values['start-date'] ?? '2024-03-04',
    json: values.json ?? false,
    allowMismatch: values['allow-mismatch'] ?? false,
  };
}
