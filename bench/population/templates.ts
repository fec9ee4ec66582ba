// Reference daily profiles the benchmark correlates every curve with
// (features.md, corr_<template>). Given at 96 points (15-minute slots from
// midnight) as rule sets give them; the values are relative levels, unitless.

/** Level at the middle of each of the 96 quarter hours. */
function shape(level: (hour: number) => number): number[] {
  return Array.from({ length: 96 }, (_, s) => level((s + 0.5) / 4));
}

const bump = (hour: number, centre: number, width: number) => Math.exp(-((hour - centre) ** 2) / (2 * width * width));
const between = (hour: number, start: number, end: number) => (hour >= start && hour < end ? 1 : 0);

/** The templates as TemplateSet.from expects them: name → 96 numbers. */
export const BENCH_TEMPLATES: Readonly<Record<string, number[]>> = {
  // Low night, a small morning bump, a large evening peak around 19:30.
  residential: shape((h) => 0.25 + 0.35 * bump(h, 7.5, 1) + 1.0 * bump(h, 19.5, 2)),
  // One 8-hour shift, 08:00–16:00, with a lunch dip; near-zero otherwise.
  industrial_1shift: shape((h) => 0.1 + between(h, 8, 16) * (1 - 0.3 * bump(h, 12, 0.3))),
  // Shop or office hours 09:00–19:00 over a refrigeration/standby base.
  commercial: shape((h) => 0.3 + between(h, 9, 19)),
};
