import { describe, expect, it } from 'vitest';
import { createLogger, logRequest, registryLogger } from './logger.js';

function capture(level: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>), now: () => new Date('2026-11-02T00:00:00Z') });
  return { logger, lines };
}

describe('logger', () => {
  it('writes one JSON line per entry with level, time and message', () => {
    const { logger, lines } = capture();
    logger.child({ requestId: 'r1' }).info('hello', { tenant: 'district-a' });
    expect(lines).toEqual([{ level: 'info', time: '2026-11-02T00:00:00.000Z', msg: 'hello', requestId: 'r1', tenant: 'district-a' }]);
  });

  it('drops entries below its level', () => {
    const { logger, lines } = capture('warn');
    logger.info('no');
    logger.debug('no');
    logger.error('yes');
    expect(lines.map((l) => l['msg'])).toEqual(['yes']);
    expect(capture('silent').logger.isEnabled('error')).toBe(false);
  });

  it('never writes readings, bodies, tokens or headers, whatever a caller passes', () => {
    const { logger, lines } = capture();
    logger.info('careless', {
      authorization: 'Bearer s3cret',
      token: 's3cret',
      Tokens: ['s3cret'],
      loadKw: [1, 2, 3],
      load_kw: [1, 2, 3],
      water_m3: [1],
      readings: [0.5],
      body: '{"loadKw":[1]}',
      request: { consumers: [{ loadKw: [1] }] },
      headers: { authorization: 'Bearer s3cret' },
      consumers: 12,
      requestBytes: 99,
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('s3cret');
    expect(text).not.toMatch(/loadKw|load_kw|water|readings|body|headers/);
    expect(lines[0]).toMatchObject({ consumers: 12, requestBytes: 99 });
  });

  it('logs a request with sizes and durations, warning on server-side errors', () => {
    const { logger, lines } = capture();
    logRequest(logger, { requestId: 'r', tenant: 't', method: 'ScoreBatch', protocol: 'grpc', code: 'ok', requestBytes: 10, responseBytes: 20, durationMs: 1.23456 });
    logRequest(logger, { requestId: 'r', method: 'ScoreBatch', protocol: 'grpc', code: 'internal', durationMs: 2 });
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'request', method: 'ScoreBatch', code: 'ok', requestBytes: 10, responseBytes: 20, durationMs: 1.235 });
    expect(lines[1]).toMatchObject({ level: 'warn', code: 'internal' });
    // The same keys on every line: an unauthenticated request has tenant null, nothing read is 0 bytes.
    expect(lines[1]).toMatchObject({ requestId: 'r', tenant: null, requestBytes: 0, responseBytes: 0, durationMs: 2 });
  });

  it('serializes errors and adapts to the registry logger', () => {
    const { logger, lines } = capture();
    logger.error('failed', { err: new Error('boom') });
    registryLogger(logger).warn('rule sets: x.yaml failed');
    expect(lines[0]).toMatchObject({ err: { name: 'Error', message: 'boom' } });
    expect(lines[1]).toMatchObject({ level: 'warn', msg: 'rule sets: x.yaml failed', component: 'rule-sets' });
  });
});
