// The progress line of score and features on stderr, when stderr is a
// terminal: the pass, rows read, rows per second, consumers, share done and
// ETA, redrawn in place at most 5 times a second and cleared when the run ends,
// so that the data-quality report follows on a clean line. Nothing at all when
// stderr is a pipe or a file, or with --no-progress or TERM=dumb.
//
// The terminal side (drawing in place, throttling, redrawing from update() while
// a synchronous pass keeps the event loop busy, on a timer while the reader
// waits, clearing) is cli-progress 3.12.0's SingleBar; the line itself is ours
// (progress-line.ts).
import cliProgress from 'cli-progress';
import type { InputProgress } from './read-progress.js';
import { progressLine, type ProgressState } from './progress-line.js';

/** Redraws per second at most: enough to watch, negligible next to the reading. */
const FPS = 5;

/** The progress of this run: a TerminalProgress when stderr is a terminal and it is wanted, else undefined. */
export function terminalProgress(disabled: boolean, stream: NodeJS.WriteStream = process.stderr): TerminalProgress | undefined {
  if (disabled || stream.isTTY !== true || process.env['TERM'] === 'dumb') return undefined;
  return new TerminalProgress(stream);
}

export class TerminalProgress implements InputProgress {
  private readonly bar: cliProgress.SingleBar;
  private readonly state: ProgressState = { started: 0, passStarted: 0, pass: 1, passes: 1, passBytes: 0, rows: 0, consumers: 0, size: undefined };
  private running = false;
  private stopped = false;

  constructor(stream: NodeJS.WriteStream) {
    this.bar = new cliProgress.SingleBar({
      stream,
      fps: FPS,
      clearOnComplete: true,
      hideCursor: false,
      // Terminal modes untouched (no line-wrap switch, no SIGINT handler): Ctrl-C during a
      // synchronous pass must end the process at once, as without the line, and leave the
      // terminal as it was. The line is cut to the width instead, so it never wraps.
      linewrap: true,
      gracefulExit: false,
      format: (_options, params) => progressLine(this.state, performance.now()).slice(0, Math.max(1, params.maxWidth - 1)),
    });
  }

  inputSize(bytes: number | undefined): void {
    this.state.size = bytes !== undefined && bytes > 0 ? bytes : undefined;
  }

  pass(index: number, passes: number): void {
    // The state first: start() draws the first frame, which must say the pass.
    this.state.pass = index;
    this.state.passes = passes;
    this.state.passBytes = 0;
    this.state.rows = 0;
    this.state.consumers = 0;
    this.start();
    this.state.passStarted = performance.now();
    this.redraw();
  }

  read(bytes: number, rows: number): void {
    this.start();
    this.state.passBytes += bytes;
    this.state.rows += rows;
    this.redraw();
  }

  consumers(count: number): void {
    this.start();
    this.state.consumers = count;
    this.redraw();
  }

  /** Clears the line; later calls draw nothing (the report and any error follow on a clean line). */
  stop(): void {
    if (this.running) this.bar.stop();
    this.running = false;
    this.stopped = true;
  }

  private start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.state.started = this.state.passStarted = performance.now();
    this.bar.start(1, 0);
  }

  /** cli-progress redraws from update() when its throttle allows (also while the event loop is busy reading), else on its timer. */
  private redraw(): void {
    if (this.running) this.bar.update(this.state.passBytes);
  }
}
