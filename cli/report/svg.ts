// Small helpers for the report's inline SVG charts (drawn here, in
// TypeScript: the page loads no script, font or library, so it opens offline
// and prints). Every mark a chart draws (bar, line) has class "mark", so a
// test (and a reader of the file) can count what a chart drew; each chart's
// <svg> has data-chart naming it.

/** Code colours, as the CLI names them; chosen to stay apart in greyscale print too. */
export const COLOURS = { red: '#c62828', yellow: '#f9a825', green: '#2e7d32', gray: '#9e9e9e', site: '#1565c0', template: '#ef6c00', cohort: '#6a1b9a', axis: '#555', grid: '#e0e0e0' } as const;

/** Text escaped for HTML and SVG content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A number for an attribute: 1 decimal is finer than a pixel. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** The grid step of an axis from 0 to `max`: 1, 2 or 5 × 10^k, the smallest that needs at most 5 steps (at least 1 for `whole` counts). */
export function niceStep(max: number, whole = false): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((m) => m >= rough * (1 - 1e-12))!;
  return whole ? Math.max(1, step) : step;
}

/** Where an axis from 0 that holds `max` ends: a whole number of grid steps, so that every label is round (1 for nothing to show). */
export function niceMax(max: number, whole = false): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const step = niceStep(max, whole);
  return Math.ceil(max / step - 1e-9) * step;
}

/** A value as an axis label: at most 3 significant digits. */
export function label(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** An <svg> of `width` × `height` px, scaled to the page's width when narrower. */
export function svgFrame(chart: string, width: number, height: number, title: string, body: string): string {
  return `<svg data-chart="${esc(chart)}" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" style="max-width:100%;height:auto"><title>${esc(title)}</title>${body}</svg>`;
}

export function rect(x: number, y: number, width: number, height: number, fill: string, tip: string): string {
  return `<rect class="mark" x="${px(x)}" y="${px(y)}" width="${px(Math.max(width, 0))}" height="${px(Math.max(height, 0))}" fill="${fill}"><title>${esc(tip)}</title></rect>`;
}

export function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${px(x)}" y="${px(y)}" ${attributes}>${esc(content)}</text>`;
}

/** A polyline through the finite points; a NaN value breaks the line (a gap, not a drop to 0). */
export function line(points: readonly (readonly [number, number])[], colour: string, dash = ''): string {
  const runs: string[] = [];
  let run: string[] = [];
  for (const [x, y] of points) {
    if (Number.isFinite(y)) run.push(`${px(x)},${px(y)}`);
    else if (run.length > 0) (runs.push(run.join(' ')), (run = []));
  }
  if (run.length > 0) runs.push(run.join(' '));
  const d = dash ? ` stroke-dasharray="${dash}"` : '';
  return runs.map((r) => `<polyline class="mark" points="${r}" fill="none" stroke="${colour}" stroke-width="2"${d}/>`).join('');
}

/** Horizontal grid lines with labels every niceStep of `max` (an axis niceMax made), for a plot from y = top (max) to y = bottom (0). */
export function yGrid(left: number, right: number, top: number, bottom: number, max: number, unit: string, whole = false): string {
  const step = niceStep(max, whole);
  let out = '';
  for (let k = 0; k * step <= max * (1 + 1e-9); k++) {
    const y = bottom - ((bottom - top) * k * step) / max;
    out += `<line x1="${px(left)}" x2="${px(right)}" y1="${px(y)}" y2="${px(y)}" stroke="${COLOURS.grid}"/>`;
    out += text(left - 4, y + 4, label(k * step), 'text-anchor="end" class="tick"');
  }
  out += text(left + 4, top + 12, unit, 'class="tick"');
  return out;
}
