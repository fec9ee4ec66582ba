// What the CSV readers must make of a planned daylight-saving export
// (dst-exports.ts), worked out from the plan and the hand-written rules of
// daylight-saving.ts, not from the text and not through Intl: each row's
// clock time and slot (the first row of a slot kept), the interval, the
// window, the curves in kW, and the report's counts.
import { renderCell } from './csv-cells.js';
import { clockOf } from './daylight-saving.js';
import { ids, type RowPlan, type Scenario } from './dst-exports.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

interface Placement {
  /** The slot of each row (file order), -1 off the grid or a duplicate. */
  readonly slots: number[];
  readonly onGrid: number;
  readonly offGrid: number;
  readonly duplicates: number;
}

/** Rows with clock times `clocks` (file order) on a grid from day `firstDay`, every `minutes`: the first row of a slot is kept. */
function place(clocks: number[], firstDay: number, minutes: number): Placement {
  const taken = new Set<number>();
  let offGrid = 0;
  let duplicates = 0;
  const slots = clocks.map((clock) => {
    const minute = (clock - firstDay * DAY_MS) / MINUTE_MS;
    if (minute % minutes !== 0) return offGrid++, -1;
    if (taken.has(minute / minutes)) return duplicates++, -1;
    taken.add(minute / minutes);
    return minute / minutes;
  });
  return { slots, onGrid: taken.size, offGrid, duplicates };
}

/** The most common step (minutes) between consecutive distinct clock times within each group, over all groups (the smaller on a tie). */
function commonStep(groups: number[][]): number | undefined {
  const steps = new Map<number, number>();
  for (const clocks of groups) {
    const distinct = [...new Set(clocks)].sort((a, b) => a - b);
    for (let i = 1; i < distinct.length; i++) {
      const step = (distinct[i]! - distinct[i - 1]!) / MINUTE_MS;
      steps.set(step, (steps.get(step) ?? 0) + 1);
    }
  }
  if (steps.size === 0) return undefined;
  const most = Math.max(...steps.values());
  return Math.min(...[...steps].filter(([, n]) => n === most).map(([step]) => step));
}

export interface Model {
  readonly error?: RegExp;
  readonly startDate?: string;
  readonly pointsPerDay?: number;
  readonly curves?: Float32Array[];
  /** The report's counts (reportCounts below). */
  readonly report?: Record<string, unknown>;
  /** Per consumer: valid and missing readings, and (long) duplicates and slots without a row. */
  readonly perConsumer?: Record<string, number | string>[];
}

/**
 * What the reader must make of rows grouped as placed (wide: one group, its rows holding every consumer's cell;
 * long: a group a consumer), worked out from the plan and the hand-written rules.
 */
export function model(s: Scenario, groups: RowPlan[][], layout: 'wide' | 'long'): Model {
  const clocksOf = (rows: RowPlan[]) => rows.map((row) => clockOf(s.zone, row.instant));
  const clocks = groups.map(clocksOf);
  const minutes = s.giveInterval ? s.minutes : commonStep(clocks);
  if (minutes === undefined) return { error: layout === 'long' ? /no consumer has two distinct timestamps in the window/ : /every row has the same timestamp/ };
  if (![5, 15, 30, 60].includes(minutes)) return { error: /most often/ };
  const allClocks = clocks.flat();
  const firstDay = Math.floor(Math.min(...allClocks) / DAY_MS);
  const lastDay = Math.floor(Math.max(...allClocks) / DAY_MS);
  const P = 1440 / minutes;
  const slots = (lastDay - firstDay + 1) * P;
  // kW = kWh × 60/minutes, = Wh × 60/minutes/1000 (the average power over the interval).
  const factor = s.unit === 'kw' ? 1 : s.unit === 'kwh' ? 60 / minutes : 60 / minutes / 1000;
  const n = s.consumers;
  const curves = Array.from({ length: n }, () => new Float32Array(slots).fill(NaN));
  const cells = { numbers: 0, negative: 0, empty: 0, unreadable: 0, absent: 0 };
  const placements = groups.map((rows, g) => place(clocks[g]!, firstDay, minutes));
  groups.forEach((rows, g) => {
    rows.forEach((row, r) => {
      row.cells.forEach((plan, c) => {
        const e = renderCell(plan, s.separator).expected;
        if (e === 'empty') cells.empty++;
        else if (e === 'bad') cells.unreadable++;
        else {
          cells.numbers++;
          if (e < 0) cells.negative++;
        }
        const slot = placements[g]!.slots[r]!;
        if (slot >= 0 && typeof e === 'number') curves[layout === 'wide' ? c : g]![slot] = e * factor;
      });
    });
  });
  const valid = curves.map((curve) => curve.filter((v) => v >= 0 && v < Infinity).length);
  const sum = (key: 'onGrid' | 'offGrid' | 'duplicates') => placements.reduce((a, p) => a + p[key], 0);
  const onGrid = sum('onGrid');
  const validAll = valid.reduce((a, b) => a + b, 0);
  return {
    startDate: dateOf(firstDay),
    pointsPerDay: P,
    curves,
    report: {
      format: `${layout}-csv`,
      rowsRead: allClocks.length,
      consumers: n,
      interval: { minutes, pointsPerDay: P, detected: !s.giveInterval },
      window: { startDate: dateOf(firstDay), endDate: dateOf(lastDay), days: lastDay - firstDay + 1, readingsPerConsumer: slots },
      timestamps: {
        onGrid,
        offGrid: sum('offGrid'),
        duplicates: sum('duplicates'),
        unreadable: 0,
        outsideFromTo: 0,
        // Wide: grid times no row went to; long: summed over the consumers.
        slotsWithoutRow: (layout === 'wide' ? slots : n * slots) - onGrid,
        converted: allClocks.length,
        timeZone: s.zone.name,
      },
      cells,
      readings: { total: n * slots, valid: validAll, missing: n * slots - validAll },
    },
    perConsumer: ids(s).map((id, j) => ({
      id,
      validReadings: valid[j]!,
      missingReadings: slots - valid[j]!,
      ...(layout === 'long' ? { duplicates: placements[j]!.duplicates, slotsWithoutRow: slots - placements[j]!.onGrid } : {}),
    })),
  };
}

export const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The report's part the model works out. */
export function reportCounts(r: Record<string, any>): Record<string, unknown> {
  const t = r['timestamps'];
  return {
    format: r['format'],
    rowsRead: r['rowsRead'],
    consumers: r['consumers'],
    interval: r['interval'],
    window: { startDate: r['window'].startDate, endDate: r['window'].endDate, days: r['window'].days, readingsPerConsumer: r['window'].readingsPerConsumer },
    timestamps: { onGrid: t.onGrid, offGrid: t.offGrid, duplicates: t.duplicates, unreadable: t.unreadable, outsideFromTo: t.outsideFromTo, slotsWithoutRow: t.slotsWithoutRow, converted: t.converted, timeZone: t.timeZone },
    cells: r['cells'],
    readings: r['readings'],
  };
}
