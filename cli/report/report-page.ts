// The report as one self-contained HTML file (issue 15): UTF-8, inline CSS
// and SVG, no script, font, image or link to fetch, so that it opens offline
// and prints. Fonts: the system's, with CJK fallbacks so that Chinese
// district names and reasons show right on Windows, macOS and Linux.
import { writeJson } from '../response-output.js';
import { formatValue } from '../list/comparisons.js';
import type { ReportData, ReportSite } from './report-data.js';
import { averageDayChart, dailyMeansChart } from './site-charts.js';
import { districtChart, ruleHitsChart, scoreHistogram } from './summary-charts.js';
import { esc } from './svg.js';

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ccc; }
h3 { font-size: 15px; margin: 0 0 6px; }
svg text { font-size: 12px; fill: #222; } svg .tick { font-size: 11px; fill: #555; }
.muted { color: #666; font-size: 13px; }
.site { border: 1px solid #ddd; border-radius: 6px; padding: 10px 12px; margin: 12px 0; break-inside: avoid; }
.charts { display: flex; flex-wrap: wrap; gap: 8px; }
.code-3 { color: #c62828; font-weight: bold; } .code-2 { color: #b26a00; font-weight: bold; }
table { border-collapse: collapse; font-size: 13px; } td, th { padding: 2px 8px; text-align: left; border-bottom: 1px solid #eee; }
@media print { body { margin: 0; } h2 { break-after: avoid; } }
`;

export function reportHtml(data: ReportData): string {
  const o = data.others;
  const parts = [
    `<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>gridcode inspection report — ${esc(data.ruleSet)}</title><style>${STYLE}</style></head><body>`,
    `<h1>Inspection report</h1><p class="muted">Rule set ${esc(data.ruleSet)}. ${data.sites.length} site${data.sites.length === 1 ? "" : "s"} listed in ${data.districts.length} district${data.districts.length === 1 ? '' : 's'}. Not listed: ${o.green} GREEN, ${o.gray} GRAY${o.yellowLeftOut ? `, ${o.yellowLeftOut} YELLOW (list with --yellow to see them)` : ''}. The curves are aggregates (average day, daily means); no reading is shown.</p>`,
    `<h2>Suspects per district</h2><p class="muted">RED (red) and YELLOW (amber) suspects; "listed" is what the district's inspectors can visit.</p>${data.districts.length ? districtChart(data) : '<p>No RED or YELLOW result: nothing to list.</p>'}`,
    `<h2>Rule hits</h2><p class="muted">How many suspects each rule fired for.</p>${data.ruleHits.length ? ruleHitsChart(data) : '<p>No rule fired.</p>'}`,
    `<h2>Score distribution</h2><p class="muted">Scores of the RED and YELLOW results (listed or not); GREEN results are only counted.</p>${scoreHistogram(data)}`,
    `<h2>Listed sites</h2>${data.sites.length === 0 ? '<p>No site listed (no suspect, or no capacity for them: see the district chart).</p>' : data.curvesMissing ? `<p class="muted">No curves: ${esc(data.curvesMissing)}.</p>` : ''}`,
    ...data.sites.map((site, k) => siteSection(site, k, data)),
    '</body></html>',
  ];
  return parts.join('\n');
}

function siteSection(site: ReportSite, k: number, data: ReportData): string {
  const s = site.suspect;
  const head = `<h3>${esc(site.district)} #${site.rank} · ${esc(s.id)} · <span class="code-${s.code}">${s.code === 3 ? 'RED' : 'YELLOW'}</span> · score ${formatValue(s.score)}${s.priority !== s.score ? ` (priority ${formatValue(s.priority)})` : ''}</h3>`;
  const rows = [
    ['reasons', s.reasons],
    ['evidence', s.evidence],
    ...(s.followUp ? [['follow-up', s.followUp]] : []),
    ...(s.note ? [['note', s.note]] : []),
  ];
  const table = `<table>${rows.map(([name, value]) => `<tr><th>${name}</th><td>${esc(value!)}</td></tr>`).join('')}</table>`;
  const charts = site.curves && data.window ? `<div class="charts">${averageDayChart(site, `day-${k}`)}${dailyMeansChart(site, `days-${k}`, data.window.startDate)}</div>` : '';
  return `<section class="site">${head}${table}${charts}</section>`;
}

/** Writes the report to `path` (complete or not at all, as the list's outputs). */
export async function writeReport(data: ReportData, path: string): Promise<void> {
  await writeJson([new TextEncoder().encode(reportHtml(data))], path);
}
