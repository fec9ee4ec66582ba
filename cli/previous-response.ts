// `gridcode score --previous FILE`: the former response a run is compared
// with, as `gridcode score` wrote it (canonical proto3 JSON or binary
// protobuf), reduced to each consumer's code. The file is streamed: its
// results are decoded one at a time and only their id and code are kept.
// `gridcode list --response` reads its response here too (readResponse).
import { closeSync, fstatSync } from 'node:fs';
import { describeFsError, InputError } from './errors.js';
import { openInputFile, plainFile, type InputFile } from './input/source.js';
import { batchFormat } from './open-batch.js';
import { readJsonResponse } from './previous-json.js';
import { readProtobufResponse } from './previous-pb.js';
import type { gridcode } from '#gen/scoring.js';
import type { ResultCode } from './result-codes.js';

/**
 * What a response reader hands its results to, one at a time as they are
 * read (each decoded in full; the sink keeps what it needs). `gridcode score
 * --previous` keeps codes (PreviousCodes); `gridcode list` keeps the flagged
 * results and wants the response's rule set and rules too.
 */
export interface ResponseSink {
  /** The option that named the file, for messages (`--previous`, `--response`). */
  readonly option: string;
  /** The summary's total, if the file has a summary. */
  total: number | undefined;
  add(result: gridcode.v1.ConsumerResult): void;
  /** Present when the sink wants the response's rule_set, rule_set_digest and rules (otherwise they are skipped unread). */
  header?: ResponseHeader;
}

/** A response's fields besides results and summary that name its rule set: filled in as they are read. */
export interface ResponseHeader {
  ruleSet: string;
  ruleSetDigest: string;
  rules: gridcode.v1.RuleInfo[];
}

/**
 * The codes of a former response by consumer id: one Map entry per consumer
 * (its id string and a small integer), nothing else of the file. About 85 MB
 * per million consumers with 25-character ids (measured, V8, Node 20), so
 * ~1 GB for ten million; V8's Map holds at most 2^24 (16.7 million) entries,
 * which is the bound on a previous file (a clear error past it).
 */
/** V8's largest Map. */
const MAP_LIMIT = 2 ** 24;

export class PreviousCodes implements ResponseSink {
  readonly option = '--previous';
  readonly codes = new Map<string, number>();
  /** Results read, duplicates included. */
  results = 0;
  /** Results whose id came earlier in the file (the first one is kept). */
  duplicates = 0;
  firstDuplicate: { id: string; index: number } | undefined;
  /** The summary's total, if the file has a summary. */
  total: number | undefined;

  add(result: ResultCode): void {
    const index = this.results++;
    if (this.codes.has(result.id)) {
      this.duplicates++;
      this.firstDuplicate ??= { id: result.id, index };
      return;
    }
    this.codes.set(result.id, result.code);
  }

  /**
   * Fewer results than the summary counts: written with --flagged-only, so a
   * consumer missing from it was GREEN or not in that batch, which cannot be
   * told apart.
   */
  get flaggedOnly(): boolean {
    return this.total !== undefined && this.total > this.results;
  }
}

/**
 * Reads the previous response at `input` (a path, or an InputFile: a gzip
 * file's temporary copy named as the user gave it); an InputError (exit
 * status 1) names the file and what is wrong with it.
 */
export function readPreviousResponse(input: string | InputFile): PreviousCodes {
  const previous = new PreviousCodes();
  try {
    return readResponse(input, previous);
  } catch (error) {
    if (error instanceof RangeError && previous.codes.size >= MAP_LIMIT) {
      const name = typeof input === 'string' ? input : input.name;
      throw new InputError(name, `more consumers than --previous can hold (${previous.codes.size} read): ${error.message}`);
    }
    throw error;
  }
}

/**
 * Reads the response at `input` (JSON or binary protobuf, streamed in bounded
 * memory) into `sink`; returns the sink. An InputError names the file and what
 * is wrong with it.
 */
export function readResponse<Sink extends ResponseSink>(input: string | InputFile, sink: Sink): Sink {
  const file = typeof input === 'string' ? plainFile(input) : input;
  const { path, name } = file;
  const fd = openInputFile(file);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputError(name, `is not a regular file; ${sink.option} names a response file that gridcode score wrote`);
    if (batchFormat(path, fd) === 'json') readJsonResponse(name, fd, stat.size, sink);
    else readProtobufResponse(name, fd, stat.size, sink);
  } catch (error) {
    if (error instanceof InputError) throw error;
    if ((error as NodeJS.ErrnoException).code) throw new InputError(name, describeFsError(error));
    throw error;
  } finally {
    closeSync(fd);
  }
  return sink;
}

/** What stderr should say about the previous file besides the transitions: duplicates, a flagged-only file. */
export function previousWarnings(path: string, previous: PreviousCodes): string[] {
  const warnings: string[] = [];
  const duplicate = previous.firstDuplicate;
  if (duplicate) {
    const more = previous.duplicates > 1 ? ` (${previous.duplicates} results repeat an earlier id)` : '';
    warnings.push(`gridcode: ${path}: consumer ${JSON.stringify(duplicate.id)} appears more than once (again as results[${duplicate.index}])${more}; the first result of each id is used`);
  }
  if (previous.flaggedOnly) {
    warnings.push(
      `gridcode: ${path}: has ${previous.results} results for ${previous.total} consumers (written with --flagged-only): a consumer missing from it was GREEN or not in that batch, so its "from" is null, and "gone" counts only consumers it lists`,
    );
  }
  return warnings;
}
