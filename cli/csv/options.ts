// The command-line options of a wide CSV meter export (`--unit`, `--interval`,
// …), shared by `gridcode score` and `gridcode features`: their parseArgs
// specs, their help text, and their values checked into WideCsvOptions. A
// mistake here is a UsageError (exit status 2), found before the file is read.
import { MAX_DAYS } from '../../engine/src/index.js';
import { calendarDay } from '../../engine/src/header.js';
import { UsageError } from '../errors.js';
import { validTimeZone } from './timestamps.js';
import { LABELS, type Label } from './label.js';
import { CATEGORY, enumChoices, enumCode, ZONE, type EnumWords } from './account-words.js';

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
  'source-tz': { type: 'string' },
  label: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  category: { type: 'string' },
  zone: { type: 'string' },
  accounts: { type: 'string' },
  'report-json': { type: 'string' },
} as const;

export { WIDE_CSV_HELP } from './options-help.js';

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
  /** --source-tz: the zone of timestamps without Z or an offset. */
  readonly sourceTimeZone: string | undefined;
  /** --label: what a timestamp labels; undefined when not given (start, and rows off the clock's grid at one phase are refused). */
  readonly label: Label | undefined;
  /** Day numbers (days since 1970-01-01) of --from and --to. */
  readonly fromDay: number | undefined;
  readonly toDay: number | undefined;
  readonly category: number;
  readonly zone: number;
  /** --accounts: the accounts file (a path, or - for standard input). */
  readonly accounts: string | undefined;
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
  const sourceTimeZone = values['source-tz'];
  if (sourceTimeZone !== undefined && !validTimeZone(sourceTimeZone)) fail(`--source-tz ${JSON.stringify(sourceTimeZone)} is not a time zone this Node.js knows: give an IANA name such as Europe/London, Asia/Shanghai or UTC`);
  // The instants that --source-tz makes need a clock to be read on; the source zone's own would be a guess about what the user wants.
  if (sourceTimeZone !== undefined && timeZone === undefined) fail(`--source-tz ${sourceTimeZone} turns the timestamps into instants: give --tz ZONE too, the clock they are read on (--tz ${sourceTimeZone} to keep that zone's clock)`);
  let label: Label | undefined;
  if (values.label !== undefined) {
    const word = values.label.toLowerCase();
    if (!(LABELS as readonly string[]).includes(word)) fail(`--label ${JSON.stringify(values.label)}: use start (a timestamp labels the interval starting at it), middle or end`);
    label = word as Label;
  }
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
    sourceTimeZone,
    label,
    fromDay,
    toDay,
    category: values.category === undefined ? 0 : enumWord('--category', values.category, CATEGORY, fail),
    zone: values.zone === undefined ? 0 : enumWord('--zone', values.zone, ZONE, fail),
    accounts: values.accounts === '' ? fail('--accounts needs the name of a file') : values.accounts,
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

/** An enum word as account-words.ts reads it (`residential`, `CATEGORY_RESIDENTIAL`, `industrial park`, `居民`). */
function enumWord(flag: string, value: string, table: EnumWords, fail: (message: string) => never): number {
  return enumCode(value, table) ?? fail(`${flag} ${JSON.stringify(value)}: use one of ${enumChoices(table)}`);
}
