import { describe, expect, it } from 'vitest';
import { formatGrpcTimeout, parseConnectTimeout, parseGrpcTimeout } from './timeout.js';

describe('timeouts', () => {
  it('parses Connect-Timeout-Ms', () => {
    expect(parseConnectTimeout(null)).toBeUndefined();
    expect(parseConnectTimeout('0')).toBe(0);
    expect(parseConnectTimeout('9999999999')).toBe(9_999_999_999);
    for (const bad of ['', '-1', '1.5', '12345678901', '1e3', ' 1']) expect(() => parseConnectTimeout(bad)).toThrow(/Connect-Timeout-Ms/);
  });

  it('parses grpc-timeout in every unit', () => {
    expect(parseGrpcTimeout(undefined)).toBeUndefined();
    expect(parseGrpcTimeout('2H')).toBe(7_200_000);
    expect(parseGrpcTimeout('3M')).toBe(180_000);
    expect(parseGrpcTimeout('4S')).toBe(4000);
    expect(parseGrpcTimeout('5m')).toBe(5);
    expect(parseGrpcTimeout('1500u')).toBe(2);
    expect(parseGrpcTimeout('1n')).toBe(1);
    expect(parseGrpcTimeout('0n')).toBe(0);
    for (const bad of ['5', 'S', '123456789S', '5s', '5 S', '-5S']) expect(() => parseGrpcTimeout(bad)).toThrow(/grpc-timeout/);
  });

  it('formats grpc-timeout', () => {
    expect(parseGrpcTimeout(formatGrpcTimeout(1234))).toBe(1234);
    expect(parseGrpcTimeout(formatGrpcTimeout(1e9))).toBe(1e9);
  });
});
