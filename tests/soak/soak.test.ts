// The pure parts of bench:soak (bench/soak/): its options, the flatness
// verdict on RSS samples, and the table of expected outcomes.
import { describe, expect, it } from 'vitest';
import { isExpected, KINDS, mix, PROTOCOLS, WRONG_RESPONSE } from '../../bench/soak/expectations.js';
import { flatness, slope, type MemorySample } from '../../bench/soak/flatness.js';
import { parseDuration, parseSoakOptions, type SoakOptions } from '../../bench/soak/options.js';
import { percentile } from '../../bench/soak/report.js';

const options = (argv: string[]) => parseSoakOptions(argv) as SoakOptions;

describe('soak options', () => {
  it('reads durations in seconds, minutes and hours', () => {
    expect([parseDuration('d', '30s'), parseDuration('d', '2m'), parseDuration('d', '300'), parseDuration('d', '1.5h')]).toEqual([30_000, 120_000, 300_000, 5_400_000]);
    for (const bad of ['', '0', '-5s', '2 minutes', '5d', 'm']) expect(() => parseDuration('duration', bad), bad).toThrow(/--duration .*30s, 2m/);
  });

  it('defaults to 5 minutes, 4 in flight, a started gateway, a fifth as warm-up and every kind and protocol', () => {
    const o = options([]);
    expect(o).toMatchObject({ durationMs: 300_000, concurrency: 4, target: undefined, sampleMs: 5_000, warmupMs: 60_000, workers: 2, maxBodyBytes: 8 * 2 ** 20, json: undefined, maxSlopeMiBPerMin: 10, maxGrowthMiB: 96 });
    expect(o.kinds).toEqual(KINDS.map((k) => k.kind));
    expect(o.protocols).toEqual([...PROTOCOLS]);
    expect(parseSoakOptions(['--help'])).toBe('help');
  });

  it('takes a running gateway, its gRPC port next to it unless given', () => {
    expect(options(['--target', 'http://10.0.0.5:8080/', '--token', 't'])).toMatchObject({ target: 'http://10.0.0.5:8080', grpcTarget: 'http://10.0.0.5:8081', token: 't' });
    expect(options(['--target', 'http://h:80', '--grpc-target', 'http://h:9000']).grpcTarget).toBe('http://h:9000');
  });

  it('refuses what cannot work, naming the option', () => {
    expect(() => parseSoakOptions(['--token', 't'])).toThrow(/--token needs --target/);
    expect(() => parseSoakOptions(['--target', 'localhost:8080'])).toThrow(/--target localhost:8080/);
    expect(() => parseSoakOptions(['--duration', '30s', '--warmup', '30s'])).toThrow(/--warmup/);
    expect(() => parseSoakOptions(['--duration', '30s', '--sample', '10s'])).toThrow(/--sample 10 s/);
    expect(() => parseSoakOptions(['--concurrency', '0'])).toThrow(/--concurrency 0/);
    expect(() => parseSoakOptions(['--kinds', 'score,nope'])).toThrow(/--kinds score,nope: choose from/);
    expect(() => parseSoakOptions(['--protocols', 'http3'])).toThrow(/--protocols http3/);
    expect(() => parseSoakOptions(['--bogus'])).toThrow();
  });

  it('narrows the traffic to the kinds and protocols asked for', () => {
    const o = options(['--kinds', 'deadline,cancel', '--protocols', 'grpc']);
    expect(mix(o.kinds, o.protocols).map((p) => `${p.protocol} ${p.kind}`)).toEqual(['grpc deadline', 'grpc cancel']);
  });
});

describe('expected outcomes', () => {
  it('every kind goes over every protocol with at least one expected code', () => {
    expect(mix()).toHaveLength(KINDS.length * PROTOCOLS.length);
    for (const k of KINDS) expect(k.expected.length, k.kind).toBeGreaterThan(0);
  });

  it('valid traffic expects ok only; bad requests their own error, never ok', () => {
    for (const kind of ['score', 'score-bad-consumers', 'list-rule-sets', 'validate-good', 'validate-bad']) expect([kind, isExpected(kind, 'ok'), isExpected(kind, 'internal')]).toEqual([kind, true, false]);
    expect(['malformed', 'bad-date', 'bad-points-per-day'].every((k) => isExpected(k, 'invalid_argument') && !isExpected(k, 'ok'))).toBe(true);
    expect([isExpected('unknown-rule-set', 'not_found'), isExpected('deadline', 'deadline_exceeded'), isExpected('cancel', 'canceled'), isExpected('oversized', 'invalid_argument')]).toEqual([true, true, true, true]);
  });

  it('a full server (resource_exhausted) and a wrong ok answer are unexpected for every kind, the oversized body included', () => {
    for (const k of KINDS) expect([k.kind, isExpected(k.kind, WRONG_RESPONSE), isExpected(k.kind, 'resource_exhausted')]).toEqual([k.kind, false, false]);
    expect(() => isExpected('nope', 'ok')).toThrow(/unknown traffic kind "nope"/);
  });
});

describe('RSS flatness', () => {
  const MiB = 2 ** 20;
  /** A sample every 5 s for 5 minutes: `mib(minute)` MiB, plus a GC sawtooth of ±`saw` MiB. */
  const run = (mib: (minute: number) => number, saw = 0): MemorySample[] =>
    Array.from({ length: 61 }, (_, i) => ({ atMs: i * 5_000, rssBytes: (mib(i / 12) + (i % 2 ? saw : -saw)) * MiB, heapBytes: undefined }));
  const limits = { maxSlopeMiBPerMin: 4, maxGrowthMiB: 48 };

  it('fits a least-squares slope', () => {
    expect(slope([[0, 1], [1, 3], [2, 5]])).toBeCloseTo(2);
    expect(slope([[0, 1], [1, 2], [2, 1], [3, 2]])).toBeCloseTo(0.2);
    expect(slope([[1, 1]])).toBe(0);
  });

  it('calls a steady RSS with GC noise flat, from the first sample after warm-up', () => {
    const verdict = flatness(run(() => 200, 15), 60_000, limits);
    expect(verdict).toMatchObject({ flat: true, samples: 49, minMiB: 185, maxMiB: 215, reasons: [] });
    expect(Math.abs(verdict.slopeMiBPerMin)).toBeLessThan(0.5);
  });

  it('ignores the climb during warm-up', () => {
    expect(flatness(run((m) => (m < 1 ? 100 + 100 * m : 200)), 60_000, limits).flat).toBe(true);
  });

  it('calls a steady leak not flat, by slope and by growth', () => {
    const verdict = flatness(run((m) => 200 + 20 * m), 60_000, limits);
    expect(verdict.flat).toBe(false);
    expect(verdict.slopeMiBPerMin).toBeCloseTo(20);
    expect(verdict.growthMiB).toBeCloseTo(80);
    expect(verdict.reasons).toHaveLength(2);
    expect(verdict.reasons[0]).toMatch(/grows 20\.00 MiB\/min/);
  });

  it('catches a slow leak by slope alone, a late jump by growth alone', () => {
    const slow = flatness(run((m) => 200 + 6 * m), 60_000, limits);
    expect([slow.flat, slow.reasons.length, slow.reasons[0]]).toEqual([false, 1, expect.stringMatching(/MiB\/min/)]);
    const jump = flatness(run((m) => (m >= 4.9 ? 260 : 200)), 60_000, limits);
    expect([jump.flat, jump.reasons]).toEqual([false, [expect.stringMatching(/ended 60\.0 MiB above/)]]);
  });

  it('gives no verdict without 3 samples after warm-up', () => {
    expect(flatness(run(() => 200).slice(0, 13), 60_000, limits)).toMatchObject({ flat: false, samples: 1, reasons: [expect.stringMatching(/at least 3/)] });
  });
});

describe('latency percentiles', () => {
  it('are nearest-rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100), percentile([7], 99)]).toEqual([50, 99, 100, 7]);
    expect(percentile([], 50)).toBeNaN();
  });
});
