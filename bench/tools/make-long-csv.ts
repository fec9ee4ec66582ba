// Writes a synthetic long CSV meter export (id,timestamp,value, sorted by
// consumer, timestamps ascending) for timing and memory runs of the CSV reader:
//   npm run make-long-csv -- --out /tmp/big.csv --consumers 35000 --days 30 --points 96
// is 100.8 million rows (about 3.6 GB). Lines are built byte by byte in an
// 8 MiB buffer (no string per row), so it writes at about disk speed; with
// --gzip (or an --out ending .gz) through gzip level 1. Deterministic per --seed.
// Curves: households (evening peak), shops (daytime), workshops in housing (two
// shifts), the make-batch.ts kinds, with day-to-day noise and one reading in
// 500 missing (an empty cell). Values in kWh per interval (--unit kwh, the
// London export's unit) or in kW, three decimals.
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { Prng } from '../population/prng.js';
import { CURVE_KINDS } from './curve-kinds.js';

const USAGE = `usage: npm run make-long-csv -- --out FILE [--consumers N] [--days D] [--points P]
       [--start YYYY-MM-DD] [--unit kwh|kw] [--seed S] [--gzip]
  --consumers N   consumers (default 1000)
  --days D        days per consumer (default 30)
  --points P      readings a day, a divisor of 1440 (default 96: every 15 min)
  --start DATE    the first day (default 2026-03-02)
  --unit U        kwh (energy per interval, default) or kw (average power)
  --seed S        the curves' seed (default 1)
  --gzip          gzip the output (level 1); also when FILE ends in .gz
Rows: consumers × days × points, after the header line id,timestamp,value.`;

const OPTIONS = {
  out: { type: 'string' },
  consumers: { type: 'string', default: '1000' },
  days: { type: 'string', default: '30' },
  points: { type: 'string', default: '96' },
  start: { type: 'string', default: '2026-03-02' },
  unit: { type: 'string', default: 'kwh' },
  seed: { type: 'string', default: '1' },
  gzip: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function fail(message: string): never {
  process.stderr.write(`make-long-csv: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function integer(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) fail(`--${name} ${raw}: give an integer from ${min} to ${max}`);
  return value;
}

const values = (() => {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (error) {
    fail((error as Error).message);
  }
})();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (values.out === undefined) fail('--out FILE is required');
const consumers = integer('consumers', values.consumers, 1, 100_000_000);
const days = integer('days', values.days, 1, 3660);
const points = integer('points', values.points, 1, 1440);
if (1440 % points !== 0) fail(`--points ${points}: give a divisor of 1440 (24, 48, 96, 288, …)`);
const start = Date.parse(`${values.start}T00:00:00Z`);
if (!/^\d{4}-\d{2}-\d{2}$/.test(values.start) || Number.isNaN(start)) fail(`--start ${values.start}: give a date YYYY-MM-DD`);
if (values.unit !== 'kwh' && values.unit !== 'kw') fail(`--unit ${values.unit}: give kwh or kw`);
const minutes = 1440 / points;
/** A reading in kW becomes this many file units: kWh over the interval, or kW. */
const perKw = values.unit === 'kwh' ? minutes / 60 : 1;

const prng = new Prng(integer('seed', values.seed, 0, 2 ** 32 - 1));
const random = (): number => prng.next();
/** Daily shapes in kW by hour of day. */
const KINDS = CURVE_KINDS;

// Every timestamp of the window, as bytes, once: "YYYY-MM-DD HH:MM:SS".
const STAMP = 19;
const stamps = Buffer.alloc(days * points * STAMP);
for (let t = 0; t < days * points; t++) stamps.write(new Date(start + t * minutes * 60_000).toISOString().slice(0, 19).replace('T', ' '), t * STAMP, 'latin1');

const file = createWriteStream(values.out);
const gzip = values.gzip || values.out.endsWith('.gz') ? createGzip({ level: 1 }) : undefined;
const sink: Writable = gzip ?? file;
if (gzip) gzip.pipe(file);
const CHUNK = 8 << 20;
/** The longest line: id, stamp, a value up to 10 integer digits, separators. */
const LINE_MAX = 32 + STAMP + 16;
let buffer = Buffer.allocUnsafe(CHUNK);
let used = 0;

async function flush(): Promise<void> {
  if (used === 0) return;
  const full = buffer.subarray(0, used);
  buffer = Buffer.allocUnsafe(CHUNK); // the stream keeps `full` until written
  used = 0;
  if (!sink.write(full)) await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
}

/** Writes the non-negative integer n in decimal at `used`. */
function putInteger(n: number): void {
  if (n < 10) {
    buffer[used++] = 0x30 + n;
    return;
  }
  let digits = 0;
  for (let m = n; m > 0; m = Math.floor(m / 10)) digits++;
  for (let i = digits - 1, m = n; i >= 0; i--, m = Math.floor(m / 10)) buffer[used + i] = 0x30 + (m % 10);
  used += digits;
}

async function main(): Promise<void> {
  used = buffer.write('id,timestamp,value\n', 0, 'latin1');
  const idWidth = Math.max(6, String(consumers - 1).length);
  const id = Buffer.alloc(idWidth + 1);
  const slots = days * points;
  for (let c = 0; c < consumers; c++) {
    id.write(`C${String(c).padStart(idWidth, '0')}`, 0, 'latin1');
    const kind = KINDS[c % KINDS.length]!;
    const scale = (0.5 + random()) * perKw;
    for (let t = 0; t < slots; t++) {
      if (used + LINE_MAX > CHUNK) await flush();
      for (let i = 0; i <= idWidth; i++) buffer[used++] = id[i]!;
      buffer[used++] = 0x2c;
      stamps.copy(buffer, used, t * STAMP, (t + 1) * STAMP);
      used += STAMP;
      buffer[used++] = 0x2c;
      const slot = t % points;
      const weekend = Math.floor(t / points) % 7 >= 5 ? 0.7 : 1;
      const noise = random();
      if (noise < 0.002) {
        buffer[used++] = 0x0a; // a missing reading: an empty cell
        continue;
      }
      const milli = Math.round(1000 * scale * (kind.base + kind.shape((slot * 24) / points) * weekend) * (0.8 + 0.4 * random()));
      putInteger(Math.floor(milli / 1000));
      const frac = milli % 1000;
      buffer[used++] = 0x2e;
      buffer[used++] = 0x30 + Math.floor(frac / 100);
      buffer[used++] = 0x30 + (Math.floor(frac / 10) % 10);
      buffer[used++] = 0x30 + (frac % 10);
      buffer[used++] = 0x0a;
    }
  }
  await flush();
  sink.end();
  await finished(file);
  process.stderr.write(`make-long-csv: ${values.out}: ${(consumers * slots).toLocaleString('en-US')} rows, ${consumers.toLocaleString('en-US')} consumers × ${days} days × ${points} points (${values.unit})\n`);
}

await main();
