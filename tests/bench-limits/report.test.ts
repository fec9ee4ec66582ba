// bench:limits' rows and ratios: CPU per request is kept unrounded in the
// rows, so that the ratio of two sub-millisecond figures is the ratio of the
// measurements (0.91 ÷ 0.063 = 14.4×), not of their 0.1 ms roundings (0.9 ÷ 0.1 = 9×).
import { describe, expect, it } from 'vitest';
import { cpuPerRequest } from '../../bench/limits/proc-cpu.js';
import { boundBy, cpuMs, limitRow, printLimits, ratio, SATURATED_CORES, TARGETS } from '../../bench/limits/report.js';

/** A row whose server used `cpuMs` of CPU over `wallMs` answering `ok` requests of `size` consumers in `seconds`. */
function measured(target: string, ok: number, cpuMsTotal: number, wallMs: number, size = 10, seconds = 2) {
  const cpu = cpuPerRequest({ ms: 1000, at: 0 }, { ms: 1000 + cpuMsTotal, at: wallMs }, ok);
  return limitRow({ target, size, ok, seconds, p50Ms: 1.25, p99Ms: 3.5, cpu, notOk: {} });
}

describe('limitRow and ratio', () => {
  const bare = measured(TARGETS.bareHttp, 1000, 63, 2000);
  const gateway = measured(TARGETS.gatewayHttp, 100, 91, 2000);
  const rows = [bare, gateway];

  it('keeps CPU per request and rates unrounded', () => {
    expect(bare.cpu_ms_per_request).toBeCloseTo(63 / 1000, 12);
    expect(gateway.cpu_ms_per_request).toBeCloseTo(91 / 100, 12);
    expect(bare.consumers_per_s).toBeCloseTo((1000 * 10) / 2, 9);
    expect(gateway.requests_per_s).toBeCloseTo(100 / 2, 9);
    expect(gateway.server_cores).toBeCloseTo(91 / 2000, 12);
  });

  it('divides the unrounded figures: 0.91 ÷ 0.063 ms is 14.4×, not the 9× of rounded ones', () => {
    const r = ratio(rows, TARGETS.gatewayHttp, TARGETS.bareHttp, 'cpu_ms_per_request')!;
    expect(r).toBeCloseTo(0.91 / 0.063, 9);
    expect(r.toFixed(1)).toBe('14.4');
    expect(ratio(rows, TARGETS.gatewayHttp, TARGETS.bareHttp, 'consumers_per_s')).toBeCloseTo(500 / 5000, 12);
  });

  it('prints the ratio of the unrounded figures and sub-millisecond CPU with its digits', () => {
    const lines: string[] = [];
    printLimits((line) => lines.push(line), [{ batch: 10, body_bytes: 4096, rows }]);
    const text = lines.join('\n');
    expect(text).toContain(`CPU per request ${(0.91 / 0.063).toFixed(1)}×`);
    expect(cpuMs(0.063)).toBe('0.0630');
    expect(cpuMs(0.91)).toBe('0.910');
    expect(cpuMs(1234.4)).toBe('1234');
    expect(text).toContain(cpuMs(0.063));
  });

  it('is undefined when a row is missing or the divisor is 0 or NaN', () => {
    expect(ratio([gateway], TARGETS.gatewayHttp, TARGETS.bareHttp, 'cpu_ms_per_request')).toBeUndefined();
    const none = measured(TARGETS.bareHttp, 0, 10, 2000);
    expect(ratio([none, gateway], TARGETS.gatewayHttp, TARGETS.bareHttp, 'cpu_ms_per_request')).toBeUndefined();
  });
});

describe('boundBy', () => {
  it('says a bare single-threaded server at about one core bound the row, and the client below that', () => {
    expect(boundBy(measured(TARGETS.bareHttp, 10, SATURATED_CORES * 2000 + 10, 2000))).toBe('server thread');
    expect(boundBy(measured(TARGETS.bareH2, 10, SATURATED_CORES * 2000 - 10, 2000))).toBe('client');
    expect(boundBy(measured(TARGETS.gatewayHttp, 10, 4000, 2000))).toBe('');
  });
});
