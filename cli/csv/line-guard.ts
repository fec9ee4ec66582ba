// Meter exports never have a line break inside a field. csv-parse, with
// relax_quotes and skip_records_with_error, would read a cell `"1` with an
// unclosed quote up to the next quote of the file, however far, and skip all of
// it as one record: rows lost without a word. LineGuard stands before the
// parser: a line whose quote is not closed on it, or a line longer than
// MAX_LINE_BYTES (a 600 MB cell would fail the whole read), is dropped (its
// line break kept, so line numbers stay) and counted as unreadable CSV, and the
// parser goes on from the next line. Chunks without a quote pass with one scan
// for line ends.

/** A line longer than this is no meter export row (its record is skipped). */
export const MAX_LINE_BYTES = 16 << 20;

const QUOTE = 0x22;
/** UTF-8's byte-order mark: before the first field of a file (csv-parse's bom option drops it), a quote after it opens that field. */
const BOM = [0xef, 0xbb, 0xbf] as const;
const LF = 0x0a;
const CR = 0x0d;

export class LineGuard {
  /** Lines dropped, and the first one's message. */
  dropped = 0;
  firstDropped: string | undefined;
  /** The unfinished last line of what was given (not passed on yet). */
  private tail: Buffer = Buffer.alloc(0);
  /** Complete lines passed on so far (a CRLF is one line end). */
  private lines = 0;
  /** The last byte passed on was a CR (so an LF first in the next is no new line). */
  private lastCr = false;
  /** A line was passed on or dropped: a byte-order mark can no longer come before a first field's quote. */
  private pastFirstLine = false;
  /** Dropping the rest of an over-long line, up to its line end. */
  private discarding = false;
  private readonly sep: number;

  constructor(separator: string, private readonly maxLine = MAX_LINE_BYTES) {
    this.sep = separator.charCodeAt(0);
  }

  /** The complete lines of what was given so far, bad ones emptied. */
  push(chunk: Buffer): Buffer {
    let buf = chunk;
    if (this.discarding) {
      const e = lineEnd(buf, 0);
      if (e < 0) return Buffer.alloc(0);
      this.discarding = false;
      buf = buf.subarray(e);
    }
    buf = this.tail.length === 0 ? buf : Buffer.concat([this.tail, buf]);
    const out = this.scan(buf, false);
    return out;
  }

  /** The rest, at the end of the input. */
  end(): Buffer {
    if (this.discarding || this.tail.length === 0) return Buffer.alloc(0);
    return this.scan(this.tail, true);
  }

  private scan(buf: Buffer, final: boolean): Buffer {
    const parts: Buffer[] = [];
    let emitFrom = 0;
    let lineStart = 0;
    let i = 0;
    let quoted = false;
    const drop = (end: number, why: string) => {
      if (lineStart > emitFrom) parts.push(buf.subarray(emitFrom, lineStart));
      this.count(buf, emitFrom, lineStart);
      emitFrom = end;
      this.dropped++;
      this.firstDropped ??= `line ${this.lines + 1}: ${why}`;
    };
    const tooLong = `the line is longer than ${this.maxLine >> 20} MiB: no meter export has such rows; the line is skipped`;
    // The next quote, LF and CR at or after i (-1: none in the rest), found again only once i passes them.
    let q = -2;
    let lf = -2;
    let cr = -2;
    for (;;) {
      if (q !== -1 && q < i) q = buf.indexOf(QUOTE, i);
      if (!quoted && i === lineStart && q < 0 && buf.length - i <= this.maxLine) {
        // No quote in the rest, and no line there can be too long: every complete line is fine.
        const last = lastLineEnd(buf, i);
        lineStart = last < 0 ? i : last + 1;
        break;
      }
      if (lf !== -1 && lf < i) lf = buf.indexOf(LF, i);
      if (cr !== -1 && cr < i) cr = buf.indexOf(CR, i);
      const e = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (e >= 0 && (q < 0 || e < q)) {
        if (e - lineStart > this.maxLine) drop(e, tooLong);
        else if (quoted) drop(e, `a quote opened on this line is not closed on it (${JSON.stringify(buf.subarray(lineStart, Math.min(e, lineStart + 40)).toString('utf8'))}): a field holds no line break; the line is skipped`);
        quoted = false;
        lineStart = i = e + 1;
        continue;
      }
      if (q < 0) {
        i = buf.length;
        break;
      }
      if (!quoted) {
        if (q === lineStart || buf[q - 1] === this.sep || (q === BOM.length && lineStart === 0 && !this.pastFirstLine && startsWithBom(buf))) quoted = true;
        i = q + 1;
      } else if (q + 1 >= buf.length && !final) {
        i = q; // an escaped quote, or the end of the field: the next chunk says
        break;
      } else if (buf[q + 1] === QUOTE) i = q + 2;
      else {
        quoted = false;
        i = q + 1;
      }
    }
    if (lineStart > 0) this.pastFirstLine = true;
    if (final) {
      if (quoted) drop(buf.length, 'a quote opened on the last line is not closed: the line is skipped');
      else if (buf.length - lineStart > this.maxLine) drop(buf.length, tooLong);
      lineStart = buf.length;
      this.tail = Buffer.alloc(0);
    } else if (buf.length - lineStart > this.maxLine) {
      drop(buf.length, tooLong);
      this.discarding = true;
      lineStart = buf.length;
      this.tail = Buffer.alloc(0);
    } else this.tail = Buffer.from(buf.subarray(lineStart));
    if (lineStart > emitFrom) {
      parts.push(buf.subarray(emitFrom, lineStart));
      this.count(buf, emitFrom, lineStart);
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** Counts the line ends of buf[from, to), passed on (LFs and CRs, a CRLF once). */
  private count(buf: Buffer, from: number, to: number): void {
    if (from >= to) return;
    let n = 0;
    for (let i = buf.indexOf(LF, from); i >= 0 && i < to; i = buf.indexOf(LF, i + 1)) n++;
    if (this.lastCr && buf[from] === LF) n--;
    for (let i = buf.indexOf(CR, from); i >= 0 && i < to; i = buf.indexOf(CR, i + 1)) if (i + 1 >= to || buf[i + 1] !== LF) n++;
    // A CR last, its LF in what comes next: counted now, that LF not then.
    this.lastCr = buf[to - 1] === CR;
    this.lines += n;
  }
}

function startsWithBom(buf: Buffer): boolean {
  return buf.length >= BOM.length && BOM.every((byte, i) => buf[i] === byte);
}

function lineEnd(buf: Buffer, from: number): number {
  const n = buf.indexOf(LF, from);
  const r = buf.indexOf(CR, from);
  return n < 0 ? r : r < 0 ? n : Math.min(n, r);
}

function lastLineEnd(buf: Buffer, from: number): number {
  const n = buf.lastIndexOf(LF);
  const r = buf.lastIndexOf(CR);
  const last = Math.max(n, r);
  return last >= from ? last : -1;
}
