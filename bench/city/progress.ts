// bench:city's progress bar on stderr.
import { thousands } from '../gateway/server.js';

/** A progress bar on stderr: redrawn in place on a terminal, a line every 5 % otherwise. */
export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private lastDraw = 0;
  private lastStep = -1;
  constructor(
    private readonly total: number,
    private readonly started: number,
  ) {}

  update(done: number, force = false): void {
    const now = performance.now();
    const fraction = done / this.total;
    if (this.tty) {
      if (!force && now - this.lastDraw < 200) return;
      this.lastDraw = now;
      process.stderr.write(`\r${this.line(done, now)}\x1b[K`);
    } else {
      const step = Math.floor(fraction * 20);
      if (step === this.lastStep && !force) return;
      this.lastStep = step;
      process.stderr.write(`${this.line(done, now)}\n`);
    }
  }

  finish(done: number): void {
    this.update(done, true);
    if (this.tty) process.stderr.write('\n');
  }

  private line(done: number, now: number): string {
    const seconds = (now - this.started) / 1000;
    const rate = done / Math.max(seconds, 1e-9);
    const fraction = done / this.total;
    const width = 30;
    const filled = Math.round(fraction * width);
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}% ${thousands(done)}/${thousands(this.total)}  ${thousands(rate)}/s  elapsed ${clock(seconds)}  ETA ${Number.isFinite(eta) ? clock(eta) : '?'}`;
  }
}

export function clock(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

