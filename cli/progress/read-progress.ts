// What a batch reader tells about its progress, for the progress line on a
// terminal (terminal-progress.ts). Readers report per chunk they read (1 MiB,
// or a block of consumers), never per row: a call costs a few comparisons, and
// the line is redrawn at most a few times a second whatever the call rate.

export interface ReadProgress {
  /** Pass `index` (1-based) of `passes` over the input begins (a long CSV is read twice): bytes and rows count from 0 again. */
  pass(index: number, passes: number): void;
  /** `bytes` more bytes of the input read, holding `rows` more rows (CSV lines; 0 when the format has none). */
  read(bytes: number, rows: number): void;
  /** Consumers so far in this pass: found (first pass), or handed on to be computed (last pass). */
  consumers(count: number): void;
}

/** The progress of a run that shows none (a pipe, --no-progress, tests). */
export const NO_PROGRESS: ReadProgress = {
  pass: () => undefined,
  read: () => undefined,
  consumers: () => undefined,
};

/** The progress of a whole input: also told the input's size (bytes of one pass), when it is known, for the ETA. */
export interface InputProgress extends ReadProgress {
  inputSize(bytes: number | undefined): void;
}

/** An InputProgress that shows nothing. */
export const NO_INPUT_PROGRESS: InputProgress = { ...NO_PROGRESS, inputSize: () => undefined };
