// npm run population -- --out DIR [--consumers N] [--batch-size B] [--days D] [--points P] [--start YYYY-MM-DD] [--seed S] [--parametric] [--baselines] [--cohorts [--no-groups]]
// Writes the labelled population as ScoreBatchRequest .pb files with labels beside (write.ts).
// --cohorts: Consumer.group = transformer area, files of whole areas (cohorts.ts); --no-groups: the same without field 7.
import { parseArgs } from 'node:util';
import { writePopulation } from './write.js';

const USAGE = 'usage: population --out DIR [--consumers N] [--batch-size B] [--days D] [--points 24|48|96] [--start YYYY-MM-DD] [--seed S] [--parametric] [--baselines] [--cohorts [--no-groups]]';
const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    consumers: { type: 'string', default: '10000' },
    'batch-size': { type: 'string', default: '1000' },
    days: { type: 'string', default: '30' },
    points: { type: 'string', default: '96' },
    start: { type: 'string', default: '2026-03-02' },
    seed: { type: 'string', default: '1' },
    parametric: { type: 'boolean', default: false },
    baselines: { type: 'boolean', default: false },
    cohorts: { type: 'boolean', default: false },
    'no-groups': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help || !values.out) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}
const started = performance.now();
const written = writePopulation(values.out, {
  consumers: Number(values.consumers),
  batchSize: Number(values['batch-size']),
  days: Number(values.days),
  pointsPerDay: Number(values.points),
  startDate: values.start,
  seed: Number(values.seed),
  shapes: values.parametric ? 'parametric' : 'auto',
  baselines: values.baselines,
  cohorts: values.cohorts,
  sendGroups: !values['no-groups'],
});
const s = (performance.now() - started) / 1000;
console.log(`${written.files.length} batches, ${(written.bytes / 2 ** 20).toFixed(1)} MiB, in ${s.toFixed(1)} s → ${written.dir}`);
console.log(Object.entries(written.counts).map(([k, n]) => `  ${k.padEnd(32)}${String(n).padStart(10)}`).join('\n'));
