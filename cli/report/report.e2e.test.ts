// `gridcode list --report` (the built command line) on a small batch: the
// report's charts are checked in the HTML (each chart's marks counted) and in
// a real browser (Debian's chromium, headless): a screenshot that is not one
// colour and shows the code colours, and the marks each chart drew as the
// browser laid them out (getBBox, from a copy of the page with a script
// added: the report itself has none). The daily means it shows are compared
// with means computed here from the readings sent.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestJson, type ConsumerData } from '../../lib/score-requests.js';
import { cliWorkspace } from '../../tests/support/cli.js';
import { countColour, readPng } from '../../tests/support/png.js';
import { COLOURS } from './svg.js';

const cli = cliWorkspace('gridcode-report-');
const P = 96;
const DAYS = 7;
const START = '2026-03-02';
/** A district name that would run as markup if it were not escaped. */
const D2 = 'D2 <script>alert(1)</script>';
const NIGHT = Array.from({ length: P }, (_, s) => (s < 24 ? 1 : 0.1));
const RULE_SET = `id: r
version: "1"
thresholds: { yellow: 40, red: 70 }
min_valid_share: 0.8
templates:
  night: [${NIGHT.join(', ')}]
rules:
  - id: night-shape
    when: corr_night > 0.8
    score: 80
    reason: 夜间生产（居民户）
  - id: big
    when: mean_kw > 5
    score: 50
    reason: Big load
  - id: peer-far
    when: peer_ratio > 100
    score: 1
    reason: Reads a peer feature, so that the cohorts' profiles are kept
`;

/**
 * Night-shaped (RED), big flat (YELLOW, in a district whose name is markup)
 * and small office-shaped (GREEN) consumers; n2 loses a day and some
 * readings; g2, in the night sites' cohort, misses half its readings: GRAY,
 * nobody's peer (below min_valid_share).
 */
function consumers(): ConsumerData[] {
  const make = (id: string, district: string | undefined, kw: (s: number, i: number) => number, group?: string): ConsumerData => ({
    id,
    category: 1,
    zone: 1,
    capacityKw: 20,
    waterM3: [],
    loadKw: Array.from({ length: DAYS * P }, (_, i) => kw(i % P, i)),
    ...(district ? { district } : {}),
    ...(group ? { group } : {}),
  });
  const night = (level: number) => (s: number, i: number) => (s < 24 ? 3 * level : 0.3 * level) + 0.1 * Math.sin(i);
  return [
    make('n1', '海淀区', night(1), '台区 A-01'),
    make('n2', '海淀区', (s, i) => (Math.floor(i / P) === 3 || i % 29 === 0 ? NaN : night(1.5)(s, i)), '台区 A-01'),
    make('n3', '海淀区', night(0.5), '台区 A-01'),
    make('d1', D2, (_, i) => 8 + 0.5 * Math.sin(i * 0.7)),
    make('d2', D2, (_, i) => 9 + 0.5 * Math.cos(i * 0.3)),
    make('g1', undefined, (s, i) => (s >= 32 && s < 72 ? 1 : 0.2) + 0.05 * Math.sin(i), '台区 A-01'),
    make('g2', undefined, (s, i) => (i % 2 === 0 ? NaN : s < 24 ? 0.1 : 40), '台区 A-01'),
  ];
}

/** Each day's mean of the float32 readings, NaN for a day without one: computed apart from the CLI. */
function dailyMeans(readings: readonly number[]): number[] {
  return Array.from({ length: DAYS }, (_, d) => {
    const day = readings.slice(d * P, (d + 1) * P).filter(Number.isFinite).map(Math.fround);
    return day.length ? day.reduce((a, b) => a + b, 0) / day.length : NaN;
  });
}

/** Each slot's mean of the float32 readings over the days (NaN for none): the average day. */
function averageDay(readings: readonly number[]): number[] {
  return Array.from({ length: P }, (_, s) => {
    const slot = Array.from({ length: DAYS }, (_, d) => readings[d * P + s]!).filter(Number.isFinite).map(Math.fround);
    return slot.length ? slot.reduce((a, b) => a + b, 0) / slot.length : NaN;
  });
}

function meanOf(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite).map(Math.fround);
  return finite.reduce((a, b) => a + b, 0) / finite.length;
}

/** A curve's values as a site's chart carries them (data-kw), NaN where it has none; undefined when the chart has no such curve. */
function seriesIn(section: string, name: string): number[] | undefined {
  const kw = new RegExp(`data-series="${name}" data-kw="([^"]*)"`).exec(section)?.[1];
  return kw?.split(' ').map((v) => (v === '' ? NaN : Number(v)));
}

function expectClose(shown: readonly number[] | undefined, want: readonly number[], what: string): void {
  expect(shown, what).toBeDefined();
  expect(shown!.length, what).toBe(want.length);
  shown!.forEach((v, s) => (Number.isFinite(want[s]!) ? expect(Math.abs(v - want[s]!), `${what} slot ${s}`).toBeLessThanOrEqual(1e-3 * Math.abs(want[s]!) + 1e-9) : expect(v, `${what} slot ${s}`).toBeNaN()));
}

/** Per chart id, the marks in the report's SVG that have a size (rects) or at least two points (lines). */
function marksPerChart(html: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [, chart, body] of html.matchAll(/<svg data-chart="([^"]+)"[^>]*>(.*?)<\/svg>/gs)) {
    const rects = [...body!.matchAll(/<rect class="mark" x="[^"]*" y="[^"]*" width="([^"]*)" height="([^"]*)"/g)].filter(([, w, h]) => Number(w) > 0 && Number(h) > 0);
    const lines = [...body!.matchAll(/<polyline class="mark" points="([^"]*)"/g)].filter(([, points]) => points!.trim().split(' ').length >= 2);
    const paths = [...body!.matchAll(/<path class="mark" d="([^"]*)"/g)].filter(([, d]) => /v-[\d.]*[1-9]/.test(d!)); // a bar of some height
    out.set(chart!, rects.length + lines.length + paths.length);
  }
  return out;
}

const chromium = spawnSync('chromium', ['--version'], { encoding: 'utf8' });
const noChromium = chromium.status !== 0;
if (noChromium) console.warn('\n*** report.e2e: chromium is not installed (apt-get install chromium): the browser checks are SKIPPED ***\n');

describe('gridcode list --report', () => {
  it('draws every chart, from the batch: per listed site its average day with the template and its daily means', () => {
    const batch = consumers();
    cli.file('rules.yaml', RULE_SET);
    cli.file('batch.json', requestJson({ startDate: START }, batch));
    const run = cli.run('list', '--input', 'batch.json', '--rule-set', 'rules.yaml', '--yellow', '--report', 'report.html', '--output', 'list.csv', '--no-progress');
    expect(run.stderr).toContain('listed');
    expect(run.stderr).toMatch(/\b1 GRAY\b/); // g2
    expect(run.status).toBe(0);
    const html = readFileSync(join(cli.dir(), 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link|<img|src=|https?:\/\//); // self-contained: nothing to fetch
    expect(html).toContain('夜间生产（居民户）');
    expect(html).toContain('D2 &#60;script&#62;alert(1)&#60;/script&#62;'); // the district's name shown, as text
    const marks = marksPerChart(html);
    const listed = ['n1', 'n2', 'n3', 'd1', 'd2'];
    expect([...marks.keys()].sort()).toEqual(['districts', 'rule-hits', 'scores', ...listed.flatMap((_, k) => [`day-${k}`, `days-${k}`])].sort());
    for (const [chart, n] of marks) expect(n, chart).toBeGreaterThan(0);
    expect(marks.get('districts')).toBe(2); // 海淀区 RED only, D2 YELLOW only: a bar each, no empty one
    // The night sites matched the template: their day charts have two lines, the big flat ones one.
    expect(html.match(/template night \(scaled/g)?.length).toBe(3);
    // Daily means as the report carries them (4 significant digits) against the readings sent; n2's lost day is a gap.
    const sections = html.split('<section class="site">').slice(1);
    for (const section of sections) {
      const id = /· ([a-z0-9]+) · <span/.exec(section)![1]!;
      expectClose(seriesIn(section, 'daily-means'), dailyMeans(batch.find((c) => c.id === id)!.loadKw), `${id} daily means`);
    }
    expect(seriesIn(sections.find((section) => section.includes('· n2 ·'))!, 'daily-means')![3]).toBeNaN();
    expect(sections.length).toBe(listed.length);
    // Per site: its average day; the template scaled to its mean; its cohort's profile: its peers' (the other
    // members of 台区 A-01, category 1) mean of average day ÷ mean, times its own mean. The big flat sites have no group.
    const members = ['n1', 'n2', 'n3', 'g1']; // and g2, GRAY: not a peer
    const nightMean = NIGHT.reduce((a, b) => a + b, 0) / P;
    for (const section of sections) {
      const id = /· ([a-z0-9]+) · <span/.exec(section)![1]!;
      const readings = batch.find((c) => c.id === id)!.loadKw;
      const mean = meanOf(readings);
      expectClose(seriesIn(section, 'average-day'), averageDay(readings), `${id} average day`);
      if (!members.includes(id)) {
        expect(seriesIn(section, 'cohort'), id).toBeUndefined();
        expect(seriesIn(section, 'template'), id).toBeUndefined();
        continue;
      }
      expectClose(seriesIn(section, 'template'), NIGHT.map((v) => (v * mean) / nightMean), `${id} template`);
      const peers = members.filter((m) => m !== id).map((m) => batch.find((c) => c.id === m)!.loadKw);
      const shapes = peers.map((r) => averageDay(r).map((v) => v / meanOf(r)));
      const cohort = Array.from({ length: P }, (_, s) => meanOf(shapes.map((shape) => shape[s]!)) * mean);
      expectClose(seriesIn(section, 'cohort'), cohort, `${id} cohort profile`);
    }
    // The list itself is unchanged by --report: never a reading in it.
    expect(readFileSync(join(cli.dir(), 'list.csv'), 'utf8')).not.toContain('loadKw');
  });

  it.skipIf(noChromium)('renders in headless Chromium: a screenshot with the charts in it, and every chart drew marks', () => {
    const page = join(cli.dir(), 'report.html');
    const png = join(cli.dir(), 'report.png');
    const shot = spawnSync('chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${png}`, '--window-size=1200,2000', `file://${page}`], { encoding: 'utf8', timeout: 120_000 });
    expect(shot.status, shot.stderr).toBe(0);
    const image = readPng(readFileSync(png));
    expect([image.width, image.height]).toEqual([1200, 2000]);
    const pixels = image.width * image.height;
    expect(countColour(image, '#ffffff', 0)).toBeLessThan(pixels * 0.97); // not blank
    expect(countColour(image, COLOURS.red)).toBeGreaterThan(500); // the RED bar of 海淀区
    expect(countColour(image, COLOURS.yellow)).toBeGreaterThan(500); // D2's YELLOW bar
    expect(countColour(image, COLOURS.site)).toBeGreaterThan(500); // rule hits, daily means
    // The marks each chart has as the browser laid it out.
    const probe = join(cli.dir(), 'probe.html');
    const script = `<script>for (const svg of document.querySelectorAll('svg[data-chart]')) { let n = 0; for (const m of svg.querySelectorAll('.mark')) { const b = m.getBBox(); if (b.width > 0 && (b.height > 0 || m.tagName === 'polyline')) n++; } svg.setAttribute('data-drawn', String(n)); }</script>`;
    writeFileSync(probe, readFileSync(page, 'utf8').replace('</body>', `${script}</body>`));
    const dom = spawnSync('chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${probe}`], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
    expect(dom.status, dom.stderr).toBe(0);
    const drawn = new Map([...dom.stdout.matchAll(/<svg ([^>]*)>/g)].map(([, attributes]) => [/data-chart="([^"]+)"/.exec(attributes!)?.[1], Number(/data-drawn="(\d+)"/.exec(attributes!)?.[1])]));
    expect(drawn).toEqual(marksPerChart(readFileSync(page, 'utf8')));
  });

  it('from a former response: codes, hits and scores drawn, and it says the curves need the batch', () => {
    const response = cli.run('score', '--input', 'batch.json', '--rule-set', 'rules.yaml', '--include-evidence', '--output', 'response.json');
    expect(response.status, response.stderr).toBe(0);
    const run = cli.run('list', '--response', 'response.json', '--rule-set', 'rules.yaml', '--report', 'from-response.html');
    expect(run.status, run.stderr).toBe(0);
    const html = readFileSync(join(cli.dir(), 'from-response.html'), 'utf8');
    const marks = marksPerChart(html);
    expect([...marks.keys()].sort()).toEqual(['districts', 'rule-hits', 'scores']);
    for (const [chart, n] of marks) expect(n, chart).toBeGreaterThan(0);
    expect(html).toContain('the curves need the readings');
  });

  it('says so when nothing is flagged: no district or rule chart, an empty score histogram', () => {
    cli.file('green.json', requestJson({ startDate: START }, consumers().filter((c) => c.id === 'g1')));
    const run = cli.run('list', '--input', 'green.json', '--rule-set', 'rules.yaml', '--report', 'green.html', '--output', 'green.csv', '--no-progress');
    expect(run.status, run.stderr).toBe(0);
    const html = readFileSync(join(cli.dir(), 'green.html'), 'utf8');
    expect(html).toContain('No RED or YELLOW result: nothing to list.');
    expect(html).toContain('No rule fired.');
    expect([...marksPerChart(html).keys()]).toEqual(['scores']);
    expect(marksPerChart(html).get('scores')).toBe(0);
  });

  it('refuses a report not named .html', () => {
    const run = cli.run('list', '--input', 'batch.json', '--report', 'report.pdf');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--report "report.pdf": name the file .html');
  });
});
