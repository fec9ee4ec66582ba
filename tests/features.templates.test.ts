// corr_<template>: resampling of the 96-point templates to P points and the
// Pearson correlation with the average daily profile, worked out by hand.
import { describe, expect, it } from 'vitest';
import { BASE_FEATURES } from '../engine/src/catalogue.js';
import { computeBatch } from './support/engine.js';
import { curve, day, expectHand, featuresOf } from './support/hand.js';

const MONDAY = '2024-01-01';

describe('P = 24: each run of 4 template points is averaged', () => {
  // Run s holds s at its first point (s even) or its last point (s odd), zeros
  // elsewhere: its average is s/4, linear in s. Taking one point per run instead
  // would give s, 0, s, 0, … which does not correlate 1 with a ramp.
  const averagesToRamp = day(96, (i) => {
    const s = Math.floor(i / 4);
    return i % 4 === (s % 2 ? 3 : 0) ? s : 0;
  });
  it('correlates 1 with a rising ramp and −1 with a falling one', async () => {
    const templates = { ramp: averagesToRamp };
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 3, (_, s) => 10 + s) }, templates), { corr_ramp: 1 });
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 3, (_, s) => 100 - s) }, templates), { corr_ramp: -1 });
  });
  it('a template that averages to a constant is flat: NaN', async () => {
    const spikes = day(96, (i) => (i % 4 === 0 ? 4 : 0)); // every run averages to 1
    expectHand(await featuresOf(24, MONDAY, { loadKw: curve(24, 1, (_, s) => s) }, { spikes }), { corr_spikes: NaN });
  });
});

describe('P = 48: runs of 2 are averaged', () => {
  it('4, 0, 0, 0 repeated becomes 2, 0, 2, 0, …', async () => {
    const spikes = day(96, (i) => (i % 4 === 0 ? 4 : 0));
    const loadKw = curve(48, 2, (_, s) => (s % 2 ? 1 : 5));
    expectHand(await featuresOf(48, MONDAY, { loadKw }, { spikes }), { corr_spikes: 1 });
  });
  it('0, 0, 1, 1 repeated becomes 0, 1, 0, 1, …', async () => {
    const pairs = day(96, (i) => Math.floor(i / 2) % 2);
    expectHand(await featuresOf(48, MONDAY, { loadKw: curve(48, 1, (_, s) => s % 2) }, { pairs }), { corr_pairs: 1 });
    expectHand(await featuresOf(48, MONDAY, { loadKw: curve(48, 1, (_, s) => 1 - (s % 2)) }, { pairs }), { corr_pairs: -1 });
  });
});

describe('P = 96: the template as given', () => {
  it('correlates 1 with itself, scaled and shifted', async () => {
    const shape = day(96, (i) => Math.sin(i / 7) + (i > 40 ? 2 : 0));
    const loadKw = curve(96, 2, (_, s) => 3 + 2 * shape[s]!);
    expectHand(await featuresOf(96, MONDAY, { loadKw }, { shape }), { corr_shape: 1 });
  });
});

describe('P = 288: each point is repeated 3 times', () => {
  // Template 1 on points [32, 72) (08:00–18:00), 0 elsewhere → 1 on slots [96, 216).
  const shift = day(96, (i) => (i >= 32 && i < 72 ? 1 : 0));
  it('matches a shift on slots 96–215 exactly', async () => {
    expectHand(await featuresOf(288, MONDAY, { loadKw: curve(288, 1, (_, s) => (s >= 96 && s < 216 ? 7 : 2)) }, { shift }), { corr_shift: 1 });
  });
  it('a shift one 5-minute slot later: (288·119 − 120²)/(120·168) = 69/70', async () => {
    // Two 0/1 vectors of 288 with 120 ones each, overlapping on 119:
    // r = (n·n11 − n1·n1) / (n1·(n − n1)).
    expectHand(await featuresOf(288, MONDAY, { loadKw: curve(288, 1, (_, s) => (s >= 97 && s < 217 ? 7 : 2)) }, { shift }), { corr_shift: 69 / 70 });
  });
});

describe('only slots where the profile has a value', () => {
  // P = 24, readings valid from hour 12 on: p_s = s for s ≥ 12.
  const afternoon = curve(24, 2, (_, s) => (s >= 12 ? s : NaN));
  it('the morning of the template does not matter', async () => {
    const wildMorning = day(96, (i) => (i >= 48 ? i : ((i * 7919) % 13) - 6));
    expectHand(await featuresOf(24, MONDAY, { loadKw: afternoon }, { wild: wildMorning }), { corr_wild: 1 });
  });
  it('a template flat over the slots used is NaN', async () => {
    const flatAfternoon = day(96, (i) => (i < 48 ? i : 7));
    expectHand(await featuresOf(24, MONDAY, { loadKw: afternoon }, { flat: flatAfternoon }), { corr_flat: NaN });
  });
  it('fewer than 2 slots with a value is NaN', async () => {
    const oneSlot = curve(24, 3, (d, s) => (s === 5 ? d + 1 : NaN));
    expectHand(await featuresOf(24, MONDAY, { loadKw: oneSlot }, { ramp: day(96, (i) => i) }), { corr_ramp: NaN });
  });
  it('a flat template is NaN whatever the profile', async () => {
    expectHand(await featuresOf(96, MONDAY, { loadKw: curve(96, 1, (_, s) => s) }, { flat: day(96, () => 0.5) }), { corr_flat: NaN });
  });
});

describe('several templates', () => {
  it('each adds its own corr_ feature, in order', async () => {
    const up = day(96, (i) => i);
    const down = day(96, (i) => -i);
    const templates = { up, down, flat: day(96, () => 1) };
    const loadKw = curve(96, 1, (_, s) => s);
    expectHand(await featuresOf(96, MONDAY, { loadKw }, templates), { corr_up: 1, corr_down: -1, corr_flat: NaN });
    const { names } = await computeBatch(96, MONDAY, [{ loadKw }], { templates });
    // The catalogue first, in its order, then one corr_<name> per template in the rule set's order.
    expect(names).toEqual([...BASE_FEATURES, 'corr_up', 'corr_down', 'corr_flat']);
  });
});
