// The text of the progress line (terminal-progress.ts draws it), from what the
// reader told so far: e.g.
//   pass 1/2 · 12,345,678 rows · 243,100 rows/s · 4,210 consumers · 12 % · ETA 3m 05s
// The ETA assumes the rest goes at the average speed so far (bytes of all
// passes against passes × file size); without a known size there is none.

export interface ProgressState {
  /** performance.now() ms at the first report, and at the start of this pass. */
  started: number;
  passStarted: number;
  pass: number;
  passes: number;
  /** Bytes and rows read in this pass; consumers so far in this pass. */
  passBytes: number;
  rows: number;
  consumers: number;
  /** Bytes of one pass over the input, when known. */
  size: number | undefined;
}

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** The progress line at `now` (performance.now() ms). */
export function progressLine(state: ProgressState, now: number): string {
  const parts: string[] = [];
  if (state.passes > 1) parts.push(`pass ${state.pass}/${state.passes}`);
  parts.push(`${number.format(state.rows)} rows`);
  const passSeconds = (now - state.passStarted) / 1000;
  if (passSeconds >= 0.5) parts.push(`${number.format(state.rows / passSeconds)} rows/s`);
  parts.push(`${number.format(state.consumers)} consumers`);
  const fraction = doneFraction(state);
  if (fraction !== undefined) {
    parts.push(`${Math.floor(100 * fraction)} %`);
    const seconds = (now - state.started) / 1000;
    if (fraction > 0.001 && seconds >= 1) parts.push(`ETA ${duration((seconds * (1 - fraction)) / fraction)}`);
  }
  return parts.join(' · ');
}

/** The share of all passes read, from bytes; undefined without a size. */
export function doneFraction(state: ProgressState): number | undefined {
  if (state.size === undefined) return undefined;
  const done = (state.pass - 1) * state.size + Math.min(state.passBytes, state.size);
  return Math.min(1, done / (state.passes * state.size));
}

/** Seconds as `42s`, `3m 05s` or `2h 07m`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
