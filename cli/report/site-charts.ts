// The two small charts of a listed site: its average day (kW per slot of the
// day) against the template its corr_ rule matched, scaled to the site's
// mean; and a strip of its daily means over the window. Days are dated from
// the batch's start_date (UTC calendar arithmetic: dates, not instants).
import type { ReportSite } from './report-data.js';
import { COLOURS, line, niceMax, px, svgFrame, text, yGrid } from './svg.js';

const WIDTH = 520;
const HEIGHT = 204;
const [LEFT, TOP, BOTTOM] = [56, 12, 150];

/** The average day (solid) and the scaled template (dashed), with a legend. */
export function averageDayChart(site: ReportSite, chartId: string): string {
  const day = site.curves!.averageDay;
  const P = day.length;
  const template = site.template?.kw;
  const cohort = site.cohort;
  const finite = [...day, ...(template ?? []), ...(cohort ?? [])].filter(Number.isFinite);
  const max = niceMax(Math.max(0, ...finite));
  const right = WIDTH - 20;
  const x = (s: number) => LEFT + ((right - LEFT) * (s + 0.5)) / P;
  const y = (v: number) => BOTTOM - ((BOTTOM - TOP) * v) / max;
  let body = yGrid(LEFT, right, TOP, BOTTOM, max, 'kW');
  for (const hour of [0, 6, 12, 18, 24]) body += text(LEFT + ((right - LEFT) * hour) / 24, BOTTOM + 14, `${String(hour).padStart(2, '0')}:00`, 'text-anchor="middle" class="tick"');
  // Each curve's values (kW, 4 significant digits) ride on its group, for a reader that wants the numbers.
  const curve = (name: string, values: Float64Array, colour: string, dash = '') =>
    `<g data-series="${name}" data-kw="${kwList(values)}">${line([...values].map((v, s) => [x(s), y(v)] as const), colour, dash)}</g>`;
  if (template) body += curve('template', template, COLOURS.template, '6 4');
  if (cohort) body += curve('cohort', cohort, COLOURS.cohort, '2 3');
  body += curve('average-day', day, COLOURS.site);
  const legendY = HEIGHT - 24;
  body += `<line x1="${LEFT}" x2="${LEFT + 24}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${COLOURS.site}" stroke-width="2"/>`;
  body += text(LEFT + 30, legendY, 'average day', 'class="tick"');
  if (site.template) {
    body += `<line x1="${LEFT + 130}" x2="${LEFT + 154}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${COLOURS.template}" stroke-width="2" stroke-dasharray="6 4"/>`;
    body += text(LEFT + 160, legendY, `template ${site.template.name} (scaled to the site's mean)`, 'class="tick"');
  } else body += text(LEFT + 130, legendY, 'no template rule fired', 'class="tick"');
  const cohortY = legendY + 14;
  if (cohort) {
    body += `<line x1="${LEFT}" x2="${LEFT + 24}" y1="${cohortY - 4}" y2="${cohortY - 4}" stroke="${COLOURS.cohort}" stroke-width="2" stroke-dasharray="2 3"/>`;
    body += text(LEFT + 30, cohortY, "cohort's profile (its peers' mean shape, scaled to the site's mean)", 'class="tick"');
  } else body += text(LEFT, cohortY, 'no cohort profile (no group, no peers, or the rule set reads no peer feature)', 'class="tick"');
  return svgFrame(chartId, WIDTH, HEIGHT, `Average day of ${site.suspect.id}`, body);
}

/**
 * One bar per day: the day's mean kW; a day without readings is a gap marked
 * ×. The bars are one <path> (a year of days as separate <rect>s with
 * tooltips weighed ~55 KB a site), the values (4 significant digits) on its group.
 */
export function dailyMeansChart(site: ReportSite, chartId: string, startDate: string): string {
  const days = site.curves!.dailyMeans;
  const max = niceMax(Math.max(0, ...[...days].filter(Number.isFinite)));
  const right = WIDTH - 20;
  const step = (right - LEFT) / Math.max(days.length, 1);
  const start = Date.parse(`${startDate}T00:00:00Z`);
  const every = Math.ceil(days.length / 8);
  let body = yGrid(LEFT, right, TOP, BOTTOM, max, 'kW');
  let bars = '';
  days.forEach((v, d) => {
    if (!Number.isFinite(v)) body += text(LEFT + d * step + step / 2, BOTTOM - 4, '×', 'text-anchor="middle" class="tick"');
    else if (v > 0) bars += `M${px(LEFT + d * step + 1)} ${px(BOTTOM)}v${px(-((BOTTOM - TOP) * v) / max)}h${px(Math.max(step - 2, 1))}V${px(BOTTOM)}z`;
    if (d % every === 0) body += text(LEFT + d * step + step / 2, BOTTOM + 14, new Date(start + d * 86_400_000).toISOString().slice(5, 10), 'text-anchor="middle" class="tick"');
  });
  body += `<g data-series="daily-means" data-kw="${kwList(days)}">${bars ? `<path class="mark" d="${bars}" fill="${COLOURS.site}"><title>daily mean, kW</title></path>` : ''}</g>`;
  body += text(LEFT, HEIGHT - 10, `daily mean, ${days.length} days from ${startDate}`, 'class="tick"');
  return svgFrame(chartId, WIDTH, HEIGHT, `Daily means of ${site.suspect.id}`, body);
}

/** Values as a data attribute: 4 significant digits, '' for none. */
function kwList(values: Float64Array): string {
  return [...values].map((v) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '')).join(' ');
}
