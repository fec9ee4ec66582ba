// Writes a synthetic ScoreBatchRequest for trying and timing the command line:
//   node dist/bench/tools/make-batch.js --consumers 100000 --days 30 --format pb --out /tmp/batch.pb
// Streamed to the file a consumer at a time, so a batch of any size takes a few MB.
// Curves are households (evening peak), shops (daytime) and workshops (two shifts),
// with a few missing readings; about one consumer in a thousand has a partial last
// day, which makes it unusable (a note in the features output). Deterministic per --seed.
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Prng } from '../population/prng.js';
import { CURVE_KINDS } from './curve-kinds.js';

const OPTIONS = {
  consumers: { type: 'string', default: '1000' },
  days: { type: 'string', default: '30' },
  points: { type: 'string', default: '96' },
  start: { type: 'string', default: '2026-03-02' },
  format: { type: 'string', default: 'pb' },
  seed: { type: 'string', default: '1' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = 'usage: make-batch --out FILE [--format pb|json] [--consumers N] [--days D] [--points P] [--start YYYY-MM-DD] [--seed S]\n';
const parsed = (() => {
  try {
    return parseArgs({ options: OPTIONS });
  } catch (error) {
    process.stderr.write(`make-batch: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
})();
const values = parsed.values;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

if (!values.out || (values.format !== 'pb' && values.format !== 'json')) {
  process.stderr.write(USAGE);
  process.exit(2);
}
const consumers = Number(values.consumers);
const days = Number(values.days);
const points = Number(values.points);

const prng = new Prng(Number(values.seed));
const random = (): number => prng.next();
const KINDS = CURVE_KINDS;

const load = new Float32Array(days * points);
function curve(kind: (typeof KINDS)[number], scale: number): number {
  let n = days * points;
  if (random() < 0.001) n -= 1 + Math.floor(random() * (points - 1)); // a partial last day
  for (let t = 0; t < n; t++) {
    const hour = ((t % points) * 24) / points;
    const day = Math.floor(t / points);
    const weekend = (day + 0) % 7 >= 5 ? 0.7 : 1;
    load[t] = random() < 0.002 ? NaN : scale * (kind.base + kind.shape(hour) * weekend) * (0.8 + 0.4 * random());
  }
  return n;
}

const fd = openSync(values.out, 'w');
const out = new Uint8Array(8 << 20);
let used = 0;
const flush = () => {
  writeSync(fd, out, 0, used);
  used = 0;
};
const put = (bytes: Uint8Array) => {
  if (used + bytes.length > out.length) flush();
  if (bytes.length > out.length) writeSync(fd, bytes);
  else {
    out.set(bytes, used);
    used += bytes.length;
  }
};
const text = new TextEncoder();

if (values.format === 'pb') {
  const body = new Uint8Array(64 + days * points * 4 + 16);
  const view = new DataView(body.buffer);
  const varint = (buf: Uint8Array, at: number, value: number) => {
    while (value > 127) {
      buf[at++] = (value & 127) | 128;
      value >>>= 7;
    }
    buf[at++] = value;
    return at;
  };
  const head = new Uint8Array(64);
  const date = text.encode(values.start);
  let h = 0;
  head[h++] = 0x12; // start_date
  h = varint(head, h, date.length);
  head.set(date, h);
  h += date.length;
  head[h++] = 0x18; // points_per_day
  h = varint(head, h, points);
  put(head.subarray(0, h));
  const prefix = new Uint8Array(8);
  for (let i = 0; i < consumers; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const n = curve(kind, 0.5 + random());
    let at = 0;
    const id = text.encode(`c${String(i).padStart(7, '0')}`);
    body[at++] = 0x0a;
    at = varint(body, at, id.length);
    body.set(id, at);
    at += id.length;
    body[at++] = 0x10;
    body[at++] = kind.category;
    body[at++] = 0x18;
    body[at++] = kind.zone;
    body[at++] = 0x25; // capacity_kw, fixed32
    view.setFloat32(at, 10 + Math.floor(random() * 4) * 10, true);
    at += 4;
    body[at++] = 0x2a; // load_kw, packed
    at = varint(body, at, n * 4);
    for (let t = 0; t < n; t++, at += 4) view.setFloat32(at, load[t]!, true);
    prefix[0] = 0x22; // consumers
    put(prefix.subarray(0, varint(prefix, 1, at)));
    put(body.subarray(0, at));
  }
} else {
  const categories = ['CATEGORY_UNSPECIFIED', 'CATEGORY_RESIDENTIAL', 'CATEGORY_COMMERCIAL'];
  const zones = ['ZONE_UNSPECIFIED', 'ZONE_RESIDENTIAL_AREA', 'ZONE_INDUSTRIAL_PARK', 'ZONE_COMMERCIAL_AREA'];
  put(text.encode(`{"startDate":"${values.start}","pointsPerDay":${points},"consumers":[\n`));
  for (let i = 0; i < consumers; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const n = curve(kind, 0.5 + random());
    const readings: string[] = [];
    for (let t = 0; t < n; t++) readings.push(Number.isNaN(load[t]) ? '"NaN"' : String(Math.round(load[t]! * 1000) / 1000));
    const capacity = 10 + Math.floor(random() * 4) * 10;
    put(text.encode(`${i ? ',\n' : ''}{"id":"c${String(i).padStart(7, '0')}","category":"${categories[kind.category]}","zone":"${zones[kind.zone]}","capacityKw":${capacity},"loadKw":[${readings.join(',')}]}`));
  }
  put(text.encode('\n]}\n'));
}
flush();
closeSync(fd);
