// A wide CSV meter export as a BatchFile: read once (wide-csv-reader.ts),
// placed on a grid of whole days (grid.ts), and handed to the engine as the
// JSON and protobuf readers do, block by block of protobuf `Consumer`
// messages: one per consumer column, its id the column name, its load_kw the
// column's readings in kW on the grid (NaN where there is none).
import { createReadStream, openSync } from 'node:fs';
import { endianness } from 'node:os';
import type { Readable } from 'node:stream';
import protobuf from 'protobufjs/minimal.js';
import { gridcode } from '#gen/scoring.js';
import { blocksOf, parseBatchHeader, type ConsumerRanges } from '../../engine/src/index.js';
import type { BatchFile, ConsumerBlock } from '../batch-file.js';
import type { InputFile } from '../input/source.js';
import { describeFsError, InputError, UsageError } from '../errors.js';
import { sameForAll, type AttributesOf, type ConsumerAttributes } from './attributes.js';
import { GridError, type Grid } from './grid.js';
import { placeTable } from './wide/placement.js';
import { INTERVAL_MINUTES, type Unit, type WideCsvOptions } from './options.js';
import { dataQualityReport, reportText, writeReportJson, type DataQualityReport } from './report.js';
import { dayDate } from './timestamps.js';
import { readWideCsv, type WideTable } from './wide-csv-reader.js';
import type { ReadProgress } from '../progress/read-progress.js';

/** A wide CSV opened as a batch, with its data-quality report. */
export interface WideCsvBatch extends BatchFile {
  readonly report: DataQualityReport;
}

/** Whether a batch is a CSV meter export (wide or long), with a report. */
export function isWideCsvBatch(batch: BatchFile): batch is WideCsvBatch {
  return 'report' in batch;
}

/** Whether a file name says wide CSV: `.csv` or `.tsv`, also before a `.gz`. */
export function isWideCsvName(path: string): boolean {
  return /\.(csv|tsv)(\.gz)?$/i.test(path);
}

/** kW per unit of the file's numbers at an interval of `minutes`. */
export function unitFactor(unit: Unit, minutes: number): number {
  if (unit === 'kw') return 1;
  const perHour = 60 / minutes;
  return unit === 'kwh' ? perHour : perHour / 1000;
}

/** The engine's unit, for the usage error of a CSV without --unit. */
export const UNIT_REQUIRED = 'a CSV meter export needs --unit: the engine takes kW, the average power over each interval, and a file does not say what its numbers are. Give --unit kw (average power), --unit kwh or --unit wh (energy per interval, turned into kW)';


/**
 * Opens the wide CSV `file` and reads it whole, once, as a stream (`source`
 * when given: a stream the caller opened, e.g. decompressed; `file` then only
 * names it). Throws UsageError without --unit, InputError for a file that
 * cannot be read or has no usable grid.
 */
export async function openWideCsv(file: InputFile, options: WideCsvOptions, source?: Readable, attributesOf?: AttributesOf, progress?: ReadProgress): Promise<WideCsvBatch> {
  const unit = options.unit;
  if (unit === undefined) throw new UsageError(UNIT_REQUIRED, options.command);
  const path = file.name;
  const known = unit === 'kw' ? 1 : options.intervalMinutes === undefined ? undefined : unitFactor(unit, options.intervalMinutes);
  let table: WideTable;
  try {
    let stream = source;
    if (stream === undefined) {
      // Opened here, at once, so that the caller's opened() may remove a temporary copy.
      const fd = openSync(file.path, 'r');
      file.opened();
      stream = createReadStream('', { fd, highWaterMark: 1 << 20 });
    }
    table = await readWideCsv(stream, path, options, known, undefined, progress);
  } catch (error) {
    if (error instanceof InputError) throw error;
    if ((error as NodeJS.ErrnoException).code) throw new InputError(path, describeFsError(error));
    throw error;
  }
  let grid: Grid;
  try {
    grid = placeTable(table, options);
  } catch (error) {
    if (error instanceof GridError) throw new InputError(path, error.message);
    throw error;
  }
  if (unit !== 'kw') {
    const change = intervalChange(table.times, table.lines, grid.minutes);
    if (change !== undefined) {
      throw new InputError(
        path,
        `line ${change.line}: the interval changes here: from line ${change.line} to line ${change.lastLine} the timestamps are ${change.minutes} minutes apart (${change.steps} steps), not the ${grid.minutes} minutes of the rest: energy (--unit ${unit}) per ${change.minutes} minutes cannot be turned into kW as energy per ${grid.minutes} minutes. Split the file where the interval changes, or give it in kW (--unit kw)`,
      );
    }
  }
  const factor = unitFactor(unit, grid.minutes);
  const applyFactor = table.converted ? undefined : factor;
  const { validReadings, allZero } = countValid(table, grid, applyFactor);
  const report = dataQualityReport({ file: path, table, grid, unit, factor, validReadings, allZero, timeZone: options.timeZone, sourceTimeZone: options.sourceTimeZone, fromDay: options.fromDay, toDay: options.toDay });
  const header = parseBatchHeader(grid.pointsPerDay, dayDate(grid.startDay));
  const attributes = attributesOf ?? sameForAll({ category: options.category, zone: options.zone });
  const ids = table.ids;
  /** Protobuf bytes of a consumer, about: blocks stay within the engine's limits. */
  const perConsumer = 4 * grid.slots + 64;
  const ranges: ConsumerRanges = { length: ids.length, start: (i) => i * perConsumer, end: (i) => (i + 1) * perConsumer };
  return {
    path,
    header,
    options: { ruleSet: '', includeFeatures: false, flaggedOnly: false, includeEvidence: false },
    consumerCount: ids.length,
    report,
    *blocks(): Generator<ConsumerBlock> {
      const writer = protobuf.Writer.create();
      const curve = new Float32Array(grid.slots);
      for (const [first, last] of blocksOf(ranges)) {
        writer.reset();
        const spans = new Int32Array(2 * (last - first));
        for (let c = first; c < last; c++) {
          curve.fill(NaN);
          table.store.gather(c, grid.slotOfRow, curve, applyFactor);
          spans[2 * (c - first)] = writer.len;
          encodeConsumer(writer, ids[c]!, attributes(ids[c]!, c), curve);
          spans[2 * (c - first) + 1] = writer.len;
        }
        yield { bytes: writer.finish(true), spans, first };
      }
    },
    // The engine reads bytes this reader encoded itself: an error there is a bug, not a bad file.
    blockError: (block, error) => new InputError(path, `consumers ${ids[block.first]} … ${ids[block.first + (block.spans.length >> 1) - 1]} (columns ${block.first + 1}–${block.first + (block.spans.length >> 1)} after the time column): ${error.message}`),
    close: () => undefined,
  };
}

/**
 * Where the interval of a file changes: the first run of consecutive rows (in
 * file order) that are another valid interval apart than the grid's `minutes`,
 * for at least a day. A gap (missing rows: one long step) is no such run.
 */
export function intervalChange(times: Float64Array, lines: Uint32Array, minutes: number): { line: number; lastLine: number; minutes: number; steps: number } | undefined {
  let runStart = -1;
  let runMinutes = 0;
  let steps = 0;
  const found = () => (runStart >= 0 && steps * runMinutes >= 24 * 60 ? { line: lines[runStart - 1]!, lastLine: lines[runStart + steps - 1]!, minutes: runMinutes, steps } : undefined);
  for (let r = 1; r < times.length; r++) {
    const step = Math.abs(times[r]! - times[r - 1]!) / 60_000;
    if (step === runMinutes && runStart >= 0) {
      steps++;
      continue;
    }
    const done = found();
    if (done !== undefined) return done;
    if (step !== minutes && (INTERVAL_MINUTES as readonly number[]).includes(step)) {
      runStart = r;
      runMinutes = step;
      steps = 1;
    } else {
      runStart = -1;
      runMinutes = 0;
      steps = 0;
    }
  }
  return found();
}

/** Writes the report of a CSV (the batch's, or it with more sections): the block on stderr, and the JSON file of --report-json. */
export function finishWideCsv(batch: Pick<WideCsvBatch, 'report'>, reportJson: string | undefined): void {
  process.stderr.write(reportText(batch.report));
  if (reportJson !== undefined) writeReportJson(reportJson, batch.report);
}

const littleEndian = endianness() === 'LE';

/**
 * A `Consumer` message: id (1), category (2), zone (3), capacity_kw (4),
 * load_kw (5, packed float), group (7), baseline_kw (8), watch (9: status 1,
 * since 2), district (10, a string). Fields at their proto3 default (0, '')
 * are left out, and so are NaN numbers (unknown either way, a smaller message).
 */
export function encodeConsumer(writer: protobuf.Writer, id: string, attributes: ConsumerAttributes, loadKw: Float32Array): void {
  const { capacityKw, group, baselineKw, watchStatus, watchSince, district } = attributes;
  const known = (kw: number | undefined): kw is number => kw !== undefined && kw !== 0 && !Number.isNaN(kw);
  const watched = (watchStatus !== undefined && watchStatus !== 0) || (watchSince !== undefined && watchSince !== '');
  if (!littleEndian) {
    gridcode.v1.Consumer.encode(
      {
        id,
        category: attributes.category,
        zone: attributes.zone,
        ...(known(capacityKw) && { capacityKw }),
        loadKw: Array.from(loadKw),
        ...(group && { group }),
        ...(known(baselineKw) && { baselineKw }),
        ...(watched && { watch: { status: watchStatus ?? 0, since: watchSince ?? '' } }),
      },
      writer,
    );
    // Field 10 (district) is written by hand: generated classes older than it do not know it.
    if (district) writer.uint32(0x52).string(district);
    return;
  }
  if (id !== '') writer.uint32(0x0a).string(id);
  if (attributes.category !== 0) writer.uint32(0x10).int32(attributes.category);
  if (attributes.zone !== 0) writer.uint32(0x18).int32(attributes.zone);
  if (known(capacityKw)) writer.uint32(0x25).float(capacityKw);
  if (loadKw.length > 0) writer.uint32(0x2a).bytes(new Uint8Array(loadKw.buffer, loadKw.byteOffset, loadKw.byteLength));
  if (group) writer.uint32(0x3a).string(group);
  if (known(baselineKw)) writer.uint32(0x45).float(baselineKw);
  if (watched) {
    writer.uint32(0x4a).fork();
    if (watchStatus) writer.uint32(0x08).int32(watchStatus);
    if (watchSince) writer.uint32(0x12).string(watchSince);
    writer.ldelim();
  }
  if (district) writer.uint32(0x52).string(district);
}

/** Each consumer's readings on the grid that the engine counts as valid (finite, ≥ 0, in kW), and whether they are all 0. */
function countValid(table: WideTable, grid: Grid, factor: number | undefined): { validReadings: Uint32Array; allZero: Uint8Array } {
  const validReadings = new Uint32Array(table.ids.length);
  const allZero = new Uint8Array(table.ids.length);
  const { slotOfRow } = grid;
  for (let c = 0; c < table.ids.length; c++) {
    let valid = 0;
    let nonZero = 0;
    table.store.forEach(c, (row, value) => {
      if (slotOfRow[row]! < 0) return;
      const kw = factor === undefined ? value : Math.fround(value * factor);
      if (kw >= 0 && kw !== Infinity) {
        valid++;
        if (kw !== 0) nonZero++;
      }
    });
    validReadings[c] = valid;
    allZero[c] = valid > 0 && nonZero === 0 ? 1 : 0;
  }
  return { validReadings, allZero };
}
