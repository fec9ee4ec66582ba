// The grid both readers place rows on, once their rows are counted: the
// window from the day histogram (window.ts), the label's shift, and the check
// that rows written without --label are on the clock's grid (label.ts).
import { GridError, type GridOptions } from './grid.js';
import { labelShift, phaseProblem, type ConvertedZone, type Label, type PhaseCount } from './label.js';
import { ZoneClock } from './zone-clock.js';
import { chooseWindow, type DayHistogram } from './window.js';

export interface GridChoice {
  readonly histogram: DayHistogram;
  readonly phases: PhaseCount;
  /** The interval: --interval, or the one found in the timestamps (`detected`). */
  readonly minutes: number;
  readonly detected: boolean;
  readonly label: Label | undefined;
  readonly fromDay: number | undefined;
  readonly toDay: number | undefined;
  /** --tz, when timestamps were turned into its clock times (instants, or --source-tz): named when its offset puts them off the grid. */
  readonly convertedTo?: string | undefined;
}

/** The zone of --tz as the label check sees it. */
export function convertedZone(zone: string): ConvertedZone {
  const clock = new ZoneClock(zone);
  return { name: zone, offsetAt: (instant) => clock.clock(instant) - instant };
}

/** Throws GridError. */
export function chooseGrid(choice: GridChoice): GridOptions {
  const window = chooseWindow(choice.histogram, choice.fromDay, choice.toDay);
  const problem = phaseProblem(choice.phases, choice.minutes, choice.label, choice.convertedTo === undefined ? undefined : convertedZone(choice.convertedTo));
  if (problem !== undefined) throw new GridError(problem);
  return {
    minutes: choice.minutes,
    detected: choice.detected,
    startDay: window.startDay,
    endDay: window.endDay,
    label: choice.label ?? 'start',
    shiftMs: labelShift(choice.label, choice.minutes),
    strays: window.strays,
    firstStray: window.firstStray,
  };
}
