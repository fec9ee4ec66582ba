// `gridcode diff --output FILE`: every consumer that changes colour, written
// as it is found (the list may be as long as the batch), as CSV (the CSV of
// `gridcode list`, cli/csv-text.ts: BOM, CRLF; one row a consumer; rule lists
// separated by spaces, since rule ids are [a-z0-9_-]+) or as a JSON array
// (one object a line). A regular file appears under its
// name only once complete, as `gridcode score --output` does.
import { closeSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { extname } from 'node:path';
import { CSV_BOM, csvLine } from '../csv-text.js';
import { describeFsError, InputError, UsageError } from '../errors.js';
import type { CausedChange } from './change-cause.js';
import { CODE_NAMES } from './scored-results.js';

export type ChangeFormat = 'csv' | 'json';

/** The format of --output FILE from its extension; throws UsageError for any other. */
export function changeFormat(path: string): ChangeFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  throw new UsageError(`--output ${JSON.stringify(path)}: name the file .csv or .json (the format of the list of consumers that change colour)`, 'diff');
}

export const CHANGE_CSV_HEADER = ['id', 'before', 'after', 'score_before', 'score_after', 'fired_before_only', 'fired_after_only', 'cause'] as const;

/** The change as one JSON object, as --json and --output x.json give it. */
export function changeJson(change: CausedChange): Record<string, unknown> {
  return {
    id: change.id,
    before: CODE_NAMES[change.before - 1],
    after: CODE_NAMES[change.after - 1],
    scoreBefore: change.scoreBefore,
    scoreAfter: change.scoreAfter,
    firedBeforeOnly: change.firedBeforeOnly,
    firedAfterOnly: change.firedAfterOnly,
    cause: change.cause,
  };
}

const BUFFER_BYTES = 1 << 16;

export class ChangeFile {
  private readonly fd: number;
  private readonly target: string;
  private readonly regular: boolean;
  private buffered: string[] = [];
  private bufferedChars = 0;
  private count = 0;

  constructor(
    readonly path: string,
    readonly format: ChangeFormat = changeFormat(path),
  ) {
    let regular = true;
    try {
      regular = statSync(path).isFile();
    } catch {
      // Does not exist yet: a new regular file.
    }
    this.regular = regular;
    this.target = regular ? `${path}.partial-${process.pid}` : path;
    try {
      this.fd = openSync(this.target, 'w');
    } catch (error) {
      throw new InputError(path, `cannot write the output: ${describeFsError(error)}`);
    }
    this.push(format === 'csv' ? CSV_BOM + csvLine(CHANGE_CSV_HEADER) : '[');
  }

  add(change: CausedChange): void {
    if (this.format === 'json') this.push(`${this.count > 0 ? ',' : ''}\n${JSON.stringify(changeJson(change))}`);
    else {
      const cells = [change.id, CODE_NAMES[change.before - 1]!, CODE_NAMES[change.after - 1]!, String(change.scoreBefore), String(change.scoreAfter), change.firedBeforeOnly.join(' '), change.firedAfterOnly.join(' '), change.cause];
      this.push(csvLine(cells));
    }
    this.count++;
  }

  /** Completes the file and gives it its name. */
  close(): void {
    if (this.format === 'json') this.push(this.count > 0 ? '\n]\n' : ']\n');
    try {
      this.flush();
      closeSync(this.fd);
      if (this.regular) renameSync(this.target, this.path);
    } catch (error) {
      this.abort();
      throw new InputError(this.path, `cannot write the output: ${describeFsError(error)}`);
    }
  }

  /** Leaves nothing behind after a failure. */
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
    if (this.regular) rmSync(this.target, { force: true });
  }

  private push(text: string): void {
    this.buffered.push(text);
    this.bufferedChars += text.length;
    if (this.bufferedChars >= BUFFER_BYTES) this.flush();
  }

  private flush(): void {
    if (this.buffered.length === 0) return;
    try {
      writeSync(this.fd, this.buffered.join(''));
    } catch (error) {
      throw new InputError(this.path, `cannot write the output: ${describeFsError(error)}`);
    }
    this.buffered = [];
    this.bufferedChars = 0;
  }
}
