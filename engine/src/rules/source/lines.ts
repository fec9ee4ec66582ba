// Offsets to 1-based lines and columns. Columns count UTF-16 code units from
// the line start (a tab is one column), which is what editors that take
// "line:column" from tools (VS Code, vim's errorformat) expect for ASCII
// text, and rule sets are almost always ASCII.
export class LineIndex {
  /** Offset of the first character of each line. */
  private readonly starts: number[] = [0];

  constructor(readonly source: string) {
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line and column of `offset` (clamped into the source). */
  position(offset: number): { line: number; column: number } {
    const at = Math.max(0, Math.min(offset, this.source.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - this.starts[lo]! + 1 };
  }

  /** Text of a 1-based line without its line break, and the offset where it starts. */
  line(line: number): { text: string; start: number } {
    const start = this.starts[line - 1] ?? this.source.length;
    const next = this.starts[line];
    let end = next === undefined ? this.source.length : next - 1;
    if (end > start && this.source[end - 1] === '\r') end--;
    return { text: this.source.slice(start, end), start };
  }
}
