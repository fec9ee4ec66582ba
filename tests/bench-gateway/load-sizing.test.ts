// The pure parts of bench:gateway's load (bench/gateway/): sizing the
// connections to the server's limits, reading answers as Connect errors, and
// reading the server's refusals out of its /metrics text. Speed is never
// asserted here.
import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../gateway/ops/metrics.js';
import { Answers, bodyLimitOf, connectError, formatCounts, unexpectedOf } from '../../bench/gateway/answers.js';
import { counterDelta, parseServerState } from '../../bench/gateway/server-state.js';
import { sizeConnections, sizingLine, tasksPerRequest, type ServerLimits } from '../../bench/gateway/sizing.js';

const MiB = 2 ** 20;
const defaults: ServerLimits = { inflightBytes: 256 * MiB, bodyBytes: 128 * MiB, queue: { maxQueue: 64, workers: 2, splitThresholdBytes: 32 * MiB } };

describe('sizing the connections to the server', () => {
  it('keeps the connections asked for when their bodies fit the byte budget', () => {
    expect(sizeConnections(Math.round(1.1 * MiB), 4, defaults)).toEqual({ kind: 'run', connections: 4, reasons: [] });
    expect(sizeConnections(64 * MiB, 4, defaults)).toEqual({ kind: 'run', connections: 4, reasons: [] });
    expect(sizingLine(100, sizeConnections(1000, 4, defaults))).toBeUndefined();
    expect(sizingLine(100, sizeConnections(Math.round(1.1 * MiB), 4, { ...defaults, inflightBytes: 4 * MiB }))).toBe("100 consumers per request: 3 connections, since 4 × 1.1 MiB exceed the server's 4 MiB in-flight budget (maxInflightBytes)");
  });

  it('gives 10,000-consumer bodies (110 MiB) 2 connections under the default 256 MiB, and says why', () => {
    const sizing = sizeConnections(110 * MiB, 4, defaults);
    expect(sizing).toMatchObject({ kind: 'run', connections: 2 });
    expect(sizingLine(10_000, sizing)).toBe("10,000 consumers per request: 2 connections, since 4 × 110 MiB exceed the server's 256 MiB in-flight budget (maxInflightBytes)");
  });

  it('never goes below one connection: a request alone always fits the budget', () => {
    expect(sizeConnections(300 * MiB, 4, { ...defaults, bodyBytes: 512 * MiB })).toMatchObject({ kind: 'run', connections: 1 });
  });

  it('skips a size whose bodies exceed the body limit', () => {
    const sizing = sizeConnections(65 * MiB, 4, { ...defaults, bodyBytes: 64 * MiB });
    expect(sizing.kind).toBe('skip');
    expect(sizingLine(6_000, sizing)).toMatch(/^6,000 consumers per request: skipped, since its 65 MiB bodies .* exceed the server's body limit of 64 MiB/);
  });

  it('bounds the tasks waiting in the queue: a split body is one task per worker', () => {
    const queue = { maxQueue: 4, workers: 2, splitThresholdBytes: 32 * MiB };
    expect(tasksPerRequest(40 * MiB, queue)).toBe(2);
    expect(tasksPerRequest(40 * MiB, { ...queue, workers: 1 })).toBe(1);
    expect(tasksPerRequest(1 * MiB, queue)).toBe(1);
    // 8 requests × 2 tasks − 2 running = 14 waiting > 4: (4 + 2) / 2 = 3 connections.
    const sizing = sizeConnections(40 * MiB, 8, { inflightBytes: undefined, bodyBytes: undefined, queue });
    expect(sizing).toMatchObject({ kind: 'run', connections: 3 });
    expect(sizingLine(4_000, sizing)).toContain('8 requests of 2 tasks each would leave more than maxQueue 4 waiting for 2 workers');
  });

  it('sizes nothing it does not know (a --url gateway without /metrics)', () => {
    expect(sizeConnections(110 * MiB, 4, { inflightBytes: undefined, bodyBytes: undefined, queue: undefined })).toEqual({ kind: 'run', connections: 4, reasons: [] });
  });

  it('refuses nonsense clearly', () => {
    expect(() => sizeConnections(-1, 4, defaults)).toThrow(/whole number of bytes/);
    expect(() => sizeConnections(10, 0, defaults)).toThrow(/connections must be/);
  });
});

describe('answers by Connect code', () => {
  it('reads the code and message of a Connect error body, and says when a body is not one', () => {
    expect(connectError(429, '{"code":"resource_exhausted","message":"the server is busy"}')).toEqual({ code: 'resource_exhausted', message: 'the server is busy' });
    expect(connectError(502, '<html>Bad Gateway</html>')).toMatchObject({ code: 'http_502' });
    expect(connectError(500, new TextEncoder().encode('{"code":"internal"}'))).toEqual({ code: 'internal', message: '' });
  });

  it('recognises the body-limit refusal and its limit', () => {
    expect(bodyLimitOf({ code: 'invalid_argument', message: 'the request body is larger than the limit of 1331200 bytes (maxBodyBytes); send fewer consumers per request, or use gzip' })).toBe(1_331_200);
    expect(bodyLimitOf({ code: 'resource_exhausted', message: 'the request body is larger than the limit of 67108864 bytes' })).toBe(64 * MiB);
    expect(bodyLimitOf({ code: 'internal', message: 'the request body is larger than the limit of 5 bytes' })).toBeUndefined();
    expect(bodyLimitOf({ code: 'resource_exhausted', message: 'the server is busy: too many request bytes are being processed; retry later' })).toBeUndefined();
  });

  it('counts answers, and every one that is not ok is unexpected', () => {
    const answers = new Answers();
    for (let i = 0; i < 3; i++) answers.record(200, '\u0008binary');
    answers.record(429, '{"code":"resource_exhausted","message":"busy"}');
    answers.record(429, '{"code":"resource_exhausted","message":"busy again"}');
    expect(answers.toJSON()).toEqual({ ok: 3, resource_exhausted: 2 });
    expect(unexpectedOf(answers, { errors: 1, timeouts: 0 }, { inflight_bytes: 2, queue_full: 0 })).toEqual(['2 answered resource_exhausted ("busy")', '1 connection error (no answer)']);
    expect(formatCounts({ inflight_bytes: 2, queue_full: 0 })).toBe('inflight_bytes 2');
    expect(formatCounts({ queue_full: 0 })).toBe('none');
  });

  it('says when the server refused more than this benchmark was told', () => {
    const answers = new Answers();
    answers.record(200, '');
    expect(unexpectedOf(answers, { errors: 0, timeouts: 0 }, { inflight_bytes: 0, queue_full: 0 })).toEqual([]);
    expect(unexpectedOf(answers, { errors: 0, timeouts: 0 }, { inflight_bytes: 1 })).toEqual(["the server counted 1 refusal during the row, 0 of them answered to this benchmark (the counter is server-wide: other clients' requests count too)"]);
  });
});

describe("the server's /metrics", () => {
  it("reads the gateway's own exposition: budget, workers, refusals by reason, ScoreBatch answers by code", async () => {
    const metrics = new GatewayMetrics({ processMetrics: false, admission: () => ({ inFlight: 0, limit: 256 * MiB, peak: 0 }), poolStats: () => ({ queueSize: 0, busySeconds: 0, threads: 2 }) });
    const before = parseServerState(await metrics.metrics());
    metrics.observeRefusal('inflight_bytes');
    metrics.observeRefusal('inflight_bytes');
    metrics.observeRequest({ method: 'ScoreBatch', protocol: 'connect', code: 'resource_exhausted', seconds: 0.001 });
    metrics.observeRequest({ method: 'ScoreBatch', protocol: 'connect', code: 'ok', seconds: 0.5 });
    metrics.observeRequest({ method: 'ListRuleSets', protocol: 'connect', code: 'ok', seconds: 0.001 });
    const after = parseServerState(await metrics.metrics());
    expect(after).toMatchObject({ inflightLimit: 256 * MiB, inflightBytes: 0, workers: 2 });
    expect(counterDelta(before.refused, after.refused)).toEqual({ inflight_bytes: 2, queue_full: 0 });
    expect(counterDelta(before.scoreBatchCodes, after.scoreBatchCodes)).toEqual({ ok: 1, resource_exhausted: 1 });
  });

  it('treats a missing or zero budget as unknown', () => {
    expect(parseServerState('# nothing here\n').inflightLimit).toBeUndefined();
    expect(parseServerState('gridcode_inflight_request_bytes_limit 0\n').inflightLimit).toBeUndefined();
  });
});
