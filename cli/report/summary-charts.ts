// The report's three overview charts: the suspects of each district (RED and
// YELLOW stacked, the number listed written beside), the hits of each rule
// among the suspects, and the distribution of the flagged results' scores.
import type { ReportData } from './report-data.js';
import { COLOURS, niceMax, rect, svgFrame, text, label, yGrid } from './svg.js';

const WIDTH = 760;
const LABEL_WIDTH = 240;
const ROW = 26;

/** Horizontal stacked bars: per district RED then YELLOW suspects. */
export function districtChart(data: ReportData): string {
  const max = niceMax(Math.max(0, ...data.districts.map((d) => d.red + d.yellow)));
  const plot = WIDTH - LABEL_WIDTH - 190; // room for "10 red + 12 yellow, 22 listed" beside the longest bar
  let body = '';
  data.districts.forEach((d, k) => {
    const y = 10 + k * ROW;
    const red = (d.red / max) * plot;
    const yellow = (d.yellow / max) * plot;
    body += text(LABEL_WIDTH - 8, y + 16, d.name, 'text-anchor="end"');
    if (d.red > 0) body += rect(LABEL_WIDTH, y, red, ROW - 6, COLOURS.red, `${d.name}: ${d.red} RED`);
    if (d.yellow > 0) body += rect(LABEL_WIDTH + red, y, yellow, ROW - 6, COLOURS.yellow, `${d.name}: ${d.yellow} YELLOW`);
    body += text(LABEL_WIDTH + red + yellow + 6, y + 16, `${d.red} red${d.yellow ? ` + ${d.yellow} yellow` : ''}, ${d.listed} listed`, 'class="tick"');
  });
  return svgFrame('districts', WIDTH, 20 + data.districts.length * ROW, 'Suspects per district', body);
}

/** Horizontal bars: how many suspects each rule fired for. */
export function ruleHitsChart(data: ReportData): string {
  const max = niceMax(Math.max(0, ...data.ruleHits.map((r) => r.hits)));
  const plot = WIDTH - LABEL_WIDTH - 60;
  let body = '';
  data.ruleHits.forEach((r, k) => {
    const y = 10 + k * ROW;
    const width = (r.hits / max) * plot;
    body += text(4, y + 16, clip(r.rule, 30));
    body += rect(LABEL_WIDTH, y, width, ROW - 6, COLOURS.site, `${r.rule}: ${r.hits} suspects — ${r.reason}`);
    body += text(LABEL_WIDTH + width + 6, y + 16, String(r.hits), 'class="tick"');
  });
  return svgFrame('rule-hits', WIDTH, 20 + data.ruleHits.length * ROW, 'Rule hits among the suspects', body);
}

/** Bins of 10 points, 0–10 … 90–100 (100 in the last): the number of flagged results in each. */
export function scoreBins(scores: readonly number[]): number[] {
  const bins = new Array<number>(10).fill(0);
  for (const score of scores) {
    const s = Number.isNaN(score) ? 0 : Math.min(Math.max(score, 0), 100);
    const k = Math.min(9, Math.floor(s / 10));
    bins[k] = bins[k]! + 1;
  }
  return bins;
}

/** A histogram of the RED and YELLOW results' scores. */
export function scoreHistogram(data: ReportData): string {
  const bins = scoreBins(data.scores);
  const max = niceMax(Math.max(0, ...bins), true);
  const [left, right, top, bottom] = [60, WIDTH - 20, 14, 200];
  const step = (right - left) / bins.length;
  let body = yGrid(left, right, top, bottom, max, 'results', true);
  bins.forEach((n, k) => {
    const height = ((bottom - top) * n) / max;
    body += rect(left + k * step + 2, bottom - height, step - 4, height, COLOURS.axis, `score ${k * 10}–${k * 10 + 10}: ${n}`);
    body += text(left + k * step + step / 2, bottom + 16, `${k * 10}–${k * 10 + 10}`, 'text-anchor="middle" class="tick"');
  });
  body += text((left + right) / 2, bottom + 34, `score (${label(data.scores.length)} flagged results)`, 'text-anchor="middle" class="tick"');
  return svgFrame('scores', WIDTH, bottom + 42, 'Score distribution of the flagged results', body);
}

function clip(value: string, chars: number): string {
  const all = [...value];
  return all.length <= chars ? value : `${all.slice(0, chars - 1).join('')}…`;
}
