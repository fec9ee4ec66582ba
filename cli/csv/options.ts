// The command-line options of a wide CSV meter export (`--unit`, `--interval`,
// …), shared by `gridcode score` and `gridcode features`: their parseArgs
// specs, their help text, and their values checked into WideCsvOptions. A
// mistake here is a UsageError (exit status 2), found before the file is read.
import { CATEGORY_WORDS, MAX_DAYS, ZONE_WORDS } from '../../engine/src/index.js';
import { calendarDay } from '../../engine/src/header.js';
import { UsageError } from '../errors.js';
import { validTimeZone } from './timestamps.js';

/** How a reading of the file is read: average power, or energy per interval (turned into average power). */
export type Unit = 'kw' | 'kwh' | 'wh';
export const UNITS: readonly Unit[] = ['kw', 'kwh', 'wh'];
/** Interval lengths in minutes that give the points per day the engine takes (24, 48, 96, 288). */
export const INTERVAL_MINUTES = [60, 30, 15, 5] as const;
export type InputFormat = 'wide-csv' | 'long-csv' | 'json' | 'protobuf';

/** A named layout of a long CSV: its column names, unit and interval (`--preset lcl`: the London LCL export). */
export interface LongCsvPreset {
  readonly idColumn: string;
  readonly timeColumn: string;
  readonly valueColumn: string;
  readonly unit: Unit;
  readonly intervalMinutes: number;
}

export const PRESETS: Readonly<Record<string, LongCsvPreset>> = {
  lcl: { idColumn: 'LCLid', timeColumn: 'tstp', valueColumn: 'energy(kWh/hh)', unit: 'kwh', intervalMinutes: 30 },
};

/** parseArgs specs of the CSV options, spread into each command's own. */
export const WIDE_CSV_ARGS = {
  format: { type: 'string' },
  unit: { type: 'string' },
  interval: { type: 'string' },
  'time-column': { type: 'string' },
  'id-column': { type: 'string' },
  'value-column': { type: 'string' },
  preset: { type: 'string' },
  separator: { type: 'string' },
  'decimal-comma': { type: 'boolean' },
  tz: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  category: { type: 'string' },
  zone: { type: 'string' },
  'report-json': { type: 'string' },
} as const;

/** The help text of the CSV options, the same in both commands. */
export const WIDE_CSV_HELP = `Meter exports (wide CSV: a header line, then one row per timestamp; the
first column is the timestamp, every other column a consumer, its name the id):
      --format F           wide-csv: read --input as a wide CSV whatever its
                           name (.csv and .tsv names are); long-csv (below);
                           json, protobuf
      --unit U             required for a CSV: kw (average power over each
                           interval), kwh or wh (energy per interval, turned into
                           average power: kW = kWh × 60 ÷ interval minutes)
      --interval MINUTES   60, 30, 15 or 5 (24, 48, 96, 288 points a day);
                           default: the most common step between timestamps
      --time-column NAME   the timestamp column; default: the first (long CSV:
                           a column named timestamp, else the second)
      --id-column NAME     long CSV: the consumer id column; default: a column
                           named id, else the first
      --value-column NAME  long CSV: the reading column; default: a column
                           named value, else the third
      --preset lcl         long CSV of the London LCL export: columns LCLid,
                           tstp, energy(kWh/hh), --unit kwh, --interval 30
      --separator S        , ; or tab; default: the one of the header line
      --decimal-comma      read 1,5 as 1.5 (always so when the separator is ;);
                           a cell with a dot (1.000) is then a missing reading
      --tz ZONE            an IANA time zone (Europe/London): timestamps with Z
                           or an offset become ZONE's clock time; needed when
                           there are any
      --from DATE          keep the days from DATE (YYYY-MM-DD) on
      --to DATE            keep the days up to DATE (YYYY-MM-DD, included)
      --category WORD      every consumer's category: residential, commercial,
                           industrial, agricultural, other (or CATEGORY_…)
      --zone WORD          every consumer's zone: residential_area,
                           industrial_park, commercial_area, rural, other
      --report-json FILE   also write the data-quality report as JSON
  Timestamps are local clock times as written (YYYY-MM-DD HH:MM[:SS], or with
  T); the window runs from the first day to the last (400 days at most). A row
  whose timestamp is off the grid is dropped; of rows with the same timestamp
  the first is kept; a missing timestamp is a missing reading, and so is a
  cell that is not a number (empty, NA, null, …); negative numbers are kept as
  sent. A data-quality report goes to stderr at the end.
Long CSV (one row per consumer and timestamp: id,timestamp,value): chosen by
  --format long-csv or --preset, or for a .csv whose header is exactly the
  three columns id, timestamp and value (any case). The rows of a consumer
  must come together (timestamps within it in any order); the file is read
  twice (days, interval and consumers first), one consumer in memory at a time.
  Sort a file first, keeping its header line, with
    (head -n1 f.csv; tail -n+2 f.csv | sort -t, -k1,1 -s) > sorted.csv
  Without --interval, the interval is the most common step within consumers.`;

export interface WideCsvOptions {
  /** The command, for a UsageError's pointer to its --help. */
  readonly command: string;
  readonly format: InputFormat | undefined;
  readonly unit: Unit | undefined;
  readonly intervalMinutes: number | undefined;
  readonly timeColumn: string | undefined;
  /** Long CSV: the id and value columns (--id-column, --value-column, or the preset's). */
  readonly idColumn: string | undefined;
  readonly valueColumn: string | undefined;
  /** --preset given: a long CSV. */
  readonly preset: string | undefined;
  readonly separator: string | undefined;
  readonly decimalComma: boolean;
  readonly timeZone: string | undefined;
  /** Day numbers (days since 1970-01-01) of --from and --to. */
  readonly fromDay: number | undefined;
  readonly toDay: number | undefined;
  readonly category: number;
  readonly zone: number;
  readonly reportJson: string | undefined;
  /** The CSV-only flags given (all but --format), to refuse them for a batch that is not a CSV. */
  readonly csvFlags: readonly string[];
}

type WideCsvValues = { [K in keyof typeof WIDE_CSV_ARGS]?: (typeof WIDE_CSV_ARGS)[K]['type'] extends 'boolean' ? boolean : string };

/** The CSV options of a parsed command line, checked. Throws UsageError. */
export function wideCsvOptions(values: WideCsvValues, command: string): WideCsvOptions {
  const fail = (message: string): never => {
    throw new UsageError(message, command);
  };
  const format = values.format === undefined ? undefined : inputFormat(values.format, fail);
  let unit: Unit | undefined;
  if (values.unit !== undefined) {
    const word = values.unit.toLowerCase();
    if (!(UNITS as readonly string[]).includes(word)) fail(`--unit ${JSON.stringify(values.unit)}: use kw (average power), kwh or wh (energy per interval)`);
    unit = word as Unit;
  }
  let intervalMinutes: number | undefined;
  if (values.interval !== undefined) {
    const minutes = /^\d+$/.test(values.interval) ? Number(values.interval) : NaN;
    if (!(INTERVAL_MINUTES as readonly number[]).includes(minutes)) {
      fail(`--interval ${JSON.stringify(values.interval)}: the engine takes 24, 48, 96 or 288 points a day, so the interval is 60, 30, 15 or 5 minutes`);
    }
    intervalMinutes = minutes;
  }
  const timeZone = values.tz;
  if (timeZone !== undefined && !validTimeZone(timeZone)) fail(`--tz ${JSON.stringify(timeZone)} is not a time zone this Node.js knows: give an IANA name such as Europe/London, Asia/Shanghai or UTC`);
  const fromDay = values.from === undefined ? undefined : dateOption('--from', values.from, fail);
  const toDay = values.to === undefined ? undefined : dateOption('--to', values.to, fail);
  if (fromDay !== undefined && toDay !== undefined && toDay < fromDay) fail(`--to ${values.to} is before --from ${values.from}`);
  if (fromDay !== undefined && toDay !== undefined && toDay - fromDay + 1 > MAX_DAYS) fail(`--from ${values.from} --to ${values.to} is ${toDay - fromDay + 1} days; gridcode scores at most ${MAX_DAYS} days at once`);
  for (const flag of ['time-column', 'id-column', 'value-column'] as const) if (values[flag] === '') fail(`--${flag} needs the name of a column`);
  let preset: LongCsvPreset | undefined;
  if (values.preset !== undefined) {
    const word = values.preset.toLowerCase();
    if (!Object.hasOwn(PRESETS, word)) fail(`--preset ${JSON.stringify(values.preset)}: use ${Object.keys(PRESETS).join(', ')}`);
    preset = PRESETS[word]!;
    if (format !== undefined && format !== 'long-csv') fail(`--preset ${values.preset} is a long CSV layout, not --format ${values.format}`);
  }
  return {
    command,
    format: preset !== undefined ? 'long-csv' : format,
    unit: unit ?? preset?.unit,
    intervalMinutes: intervalMinutes ?? preset?.intervalMinutes,
    timeColumn: values['time-column'] ?? preset?.timeColumn,
    idColumn: values['id-column'] ?? preset?.idColumn,
    valueColumn: values['value-column'] ?? preset?.valueColumn,
    preset: values.preset,
    separator: values.separator === undefined ? undefined : separatorOption(values.separator, fail),
    decimalComma: values['decimal-comma'] === true,
    timeZone,
    fromDay,
    toDay,
    category: values.category === undefined ? 0 : enumWord('--category', values.category, 'CATEGORY_', CATEGORY_WORDS, fail),
    zone: values.zone === undefined ? 0 : enumWord('--zone', values.zone, 'ZONE_', ZONE_WORDS, fail),
    reportJson: values['report-json'],
    csvFlags: csvOnlyFlags(values),
  };
}

/** The CSV-only options given, by their flag (for a batch that is not a CSV, where they make no sense). */
function csvOnlyFlags(values: WideCsvValues): string[] {
  return Object.keys(WIDE_CSV_ARGS)
    .filter((name) => name !== 'format' && values[name as keyof WideCsvValues] !== undefined)
    .map((name) => `--${name}`);
}

function inputFormat(value: string, fail: (message: string) => never): InputFormat {
  const word = value.toLowerCase();
  if (word === 'wide-csv' || word === 'csv') return 'wide-csv';
  if (word === 'long-csv') return 'long-csv';
  if (word === 'json') return 'json';
  if (word === 'protobuf' || word === 'pb') return 'protobuf';
  return fail(`--format ${JSON.stringify(value)}: use wide-csv, long-csv, json or protobuf`);
}

function separatorOption(value: string, fail: (message: string) => never): string {
  switch (value.toLowerCase()) {
    case ',':
    case 'comma':
      return ',';
    case ';':
    case 'semicolon':
      return ';';
    case '\t':
    case '\\t':
    case 'tab':
      return '\t';
    default:
      return fail(`--separator ${JSON.stringify(value)}: use , ; or tab`);
  }
}

function dateOption(flag: string, value: string, fail: (message: string) => never): number {
  const day = calendarDay(value);
  return day ?? fail(`${flag} ${JSON.stringify(value)} is not a calendar date of the form YYYY-MM-DD`);
}

/** An enum word as the rule language writes it (`residential`), or the proto name (`CATEGORY_RESIDENTIAL`), in any case. */
function enumWord(flag: string, value: string, prefix: string, words: Readonly<Record<string, number>>, fail: (message: string) => never): number {
  let word = value.trim().toLowerCase();
  if (word.startsWith(prefix.toLowerCase())) word = word.slice(prefix.length);
  if (Object.hasOwn(words, word)) return words[word]!;
  const choices = Object.keys(words).filter((w) => w !== 'unspecified');
  return fail(`${flag} ${JSON.stringify(value)}: use one of ${choices.join(', ')} (or ${prefix}${choices[0]!.toUpperCase()}, …)`);
}
