// Feature columns of the matrix, in the order of engine/src/catalogue.ts
// (BASE_FEATURES); corr_<template> columns follow from CORR_FIRST.
export const DAYS: i32 = 0;
export const MISSING_SHARE: i32 = 1;
export const MEAN_KW: i32 = 2;
export const MAX_KW: i32 = 3;
export const MIN_KW: i32 = 4;
export const ENERGY_KWH: i32 = 5;
export const LOAD_FACTOR: i32 = 6;
export const CV: i32 = 7;
export const NIGHT_SHARE: i32 = 8;
export const WORK_SHARE: i32 = 9;
export const WEEKEND_RATIO: i32 = 10;
export const PEAK_VALLEY: i32 = 11;
export const PEAK_HOUR: i32 = 12;
export const DAILY_CV: i32 = 13;
export const ZERO_SHARE: i32 = 14;
export const CAPACITY_UTIL: i32 = 15;
export const ACF_DAY: i32 = 16;
export const ACF_WEEK: i32 = 17;
export const RAMP_RATE: i32 = 18;
export const OPERATING_HOURS: i32 = 19;
export const TREND_RATIO: i32 = 20;
export const WATER_PER_KWH: i32 = 21;
export const HELD_MAX_KW: i32 = 22;
export const BUSY_DAYS: i32 = 23;
export const BUSY_WEEKEND_RATIO: i32 = 24;
export const WORK_KW_P90: i32 = 25;
export const NIGHT_BUSY_HOURS: i32 = 26;
export const BASELINE_RATIO: i32 = 27;
export const WATCH_DAYS: i32 = 28;
export const SINCE_WATCH_KW: i32 = 29;
export const PEER_COUNT: i32 = 30;
export const PEER_RATIO: i32 = 31;
export const PEER_CORR: i32 = 32;
export const CORR_FIRST: i32 = 33;

// Feature groups with a cost of their own (FeatureGroup in catalogue.ts).
export const GROUP_DEVIATION: i32 = 1;
export const GROUP_ACF_DAY: i32 = 2;
export const GROUP_ACF_WEEK: i32 = 4;
export const GROUP_OPERATING: i32 = 8;
export const GROUP_RAMP: i32 = 16;
export const GROUP_CORRELATION: i32 = 32;
export const GROUP_BUSY: i32 = 64; // busy_days, busy_weekend_ratio, night_busy_hours
/** peer_*: the host's peer pass (engine/src/cohorts) reads each consumer's profile, kept in `profiles`. */
export const GROUP_PEER: i32 = 128;
/** Groups that need the second pass over the readings (deviations from the mean, counts above a level). */
export const GROUPS_PASS2: i32 = GROUP_DEVIATION | GROUP_ACF_DAY | GROUP_ACF_WEEK | GROUP_OPERATING | GROUP_BUSY;
