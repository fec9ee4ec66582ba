// Who may reach the service and /metrics (exposure.ts), through resolveConfig
// as an operator meets it, and the warning logged when --insecure-no-auth
// opens /metrics to the network.
import { describe, expect, it } from 'vitest';
import { parseCommandLine, resolveConfig } from './config.js';
import { checkExposure, checkMetricsExposure, isLoopback, metricsExposureWarning } from './exposure.js';
import { configErrorOf as errorOf } from '../../tests/support/gateway/config-error.js';

describe('exposure without tokens', () => {
  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.org', '128.0.0.1', '::ffff:10.0.0.1']) expect(isLoopback(host), host).toBe(false);
  });

  it('refuses a non-loopback host without tokens or the explicit flag', () => {
    const message = errorOf(() => resolveConfig({ flags: { host: '0.0.0.0' }, env: {} }));
    expect(message).toMatch(/refusing to listen on 0\.0\.0\.0 without authentication/);
    expect(message).toMatch(/--insecure-no-auth/);
    expect(message).toMatch(/--tokens-file/);
  });

  it('allows it with tokens, or with --insecure-no-auth', () => {
    expect(resolveConfig({ flags: { host: '0.0.0.0', tokensFile: '/t.yaml', metricsTokenFile: '/m.yaml' }, env: {} }).host).toBe('0.0.0.0');
    expect(resolveConfig({ flags: parseCommandLine(['--host', '0.0.0.0', '--insecure-no-auth']).values, env: {} }).allowUnauthenticatedNonLoopback).toBe(true);
    expect(() => checkExposure({ host: '::', tokensFile: undefined, allowUnauthenticatedNonLoopback: true })).not.toThrow();
  });
});

describe('/metrics: its own listener, and a token off loopback', () => {
  it('reads metricsHost, metricsPort and metricsTokenFile from flags, environment and file', () => {
    const flags = parseCommandLine(['--metrics-host', '10.1.2.3', '--metrics-port', '9464', '--metrics-token-file', 'm.yaml']).values;
    const fromFlags = resolveConfig({ flags, env: {}, cwd: '/srv' });
    expect([fromFlags.metricsHost, fromFlags.metricsPort, fromFlags.metricsTokenFile]).toEqual(['10.1.2.3', 9464, '/srv/m.yaml']);
    const fromEnv = resolveConfig({ env: { GRIDCODE_METRICS_HOST: '127.0.0.1', GRIDCODE_METRICS_PORT: '0', GRIDCODE_METRICS_TOKEN_FILE: '/etc/m.yaml' } });
    expect([fromEnv.metricsHost, fromEnv.metricsPort, fromEnv.metricsTokenFile]).toEqual(['127.0.0.1', 0, '/etc/m.yaml']);
    const fromFile = resolveConfig({ file: { path: '/etc/gridcode/gw.yaml', values: { metrics_port: 9464, metricsTokenFile: 'm.yaml' } }, env: {} });
    expect([fromFile.metricsHost, fromFile.metricsPort, fromFile.metricsTokenFile]).toEqual([undefined, 9464, '/etc/gridcode/m.yaml']);
    expect(errorOf(() => resolveConfig({ flags: { metricsPort: '70000' }, env: {} }))).toMatch(/metricsPort \(--metrics-port\): "70000" is not a TCP port/);
  });

  it('refuses a metricsHost without metricsPort, and a metricsPort another listener has', () => {
    expect(errorOf(() => resolveConfig({ flags: { metricsHost: '127.0.0.1' }, env: {} }))).toMatch(/metricsHost \(127\.0\.0\.1\) is set without metricsPort/);
    expect(errorOf(() => resolveConfig({ flags: { metricsPort: '8080' }, env: {} }))).toMatch(/metricsPort 8080 is also port/);
    expect(errorOf(() => resolveConfig({ flags: { metricsPort: '8081' }, env: {} }))).toMatch(/metricsPort 8081 is also grpcPort/);
  });

  it('refuses /metrics on a non-loopback address without a metrics token, wherever it is served', () => {
    // On the main port of a public host, even with tenant tokens: they protect the RPCs, not /metrics.
    const onMain = errorOf(() => resolveConfig({ flags: { host: '0.0.0.0', tokensFile: '/t.yaml' }, env: {} }));
    expect(onMain).toMatch(/refusing to serve \/metrics on 0\.0\.0\.0 without a metrics token/);
    expect(onMain).toMatch(/--metrics-token-file/);
    // On a listener of its own: its host counts, which is the main host unless metricsHost says otherwise.
    expect(errorOf(() => resolveConfig({ flags: { host: '0.0.0.0', tokensFile: '/t.yaml', metricsPort: '9464' }, env: {} }))).toMatch(/\/metrics on 0\.0\.0\.0/);
    expect(errorOf(() => resolveConfig({ flags: { metricsHost: '10.0.0.5', metricsPort: '9464' }, env: {} }))).toMatch(/\/metrics on 10\.0\.0\.5/);
  });

  it('allows it with a metrics token, on loopback, or with --insecure-no-auth', () => {
    const publicHost = { host: '0.0.0.0', tokensFile: '/t.yaml' };
    expect(resolveConfig({ flags: { ...publicHost, metricsTokenFile: '/m.yaml' }, env: {} }).metricsTokenFile).toBe('/m.yaml');
    expect(resolveConfig({ flags: { ...publicHost, metricsHost: '127.0.0.1', metricsPort: '9464' }, env: {} }).metricsPort).toBe(9464);
    expect(resolveConfig({ flags: { host: '0.0.0.0', allowUnauthenticatedNonLoopback: true }, env: {} }).host).toBe('0.0.0.0');
    expect(() => checkMetricsExposure({ host: '::1', metricsHost: undefined, metricsPort: undefined, metricsTokenFile: undefined, allowUnauthenticatedNonLoopback: false })).not.toThrow();
  });
});

describe('the warning when /metrics is open to the network', () => {
  it('is given for --insecure-no-auth off loopback without a metrics token, on the main host or the metrics listener', () => {
    const open = resolveConfig({ flags: { host: '0.0.0.0', allowUnauthenticatedNonLoopback: true }, env: {} });
    expect(metricsExposureWarning(open)).toMatch(/\/metrics is served on 0\.0\.0\.0 without a metrics token \(--insecure-no-auth\)/);
    const ownListener = resolveConfig({ flags: { metricsHost: '10.0.0.5', metricsPort: '9464', allowUnauthenticatedNonLoopback: true }, env: {} });
    expect(metricsExposureWarning(ownListener)).toMatch(/served on 10\.0\.0\.5/);
  });

  it('is not given with a metrics token or on loopback', () => {
    expect(metricsExposureWarning(resolveConfig({ flags: { host: '0.0.0.0', allowUnauthenticatedNonLoopback: true, metricsTokenFile: '/m.yaml' }, env: {} }))).toBeUndefined();
    expect(metricsExposureWarning(resolveConfig({ flags: { host: '0.0.0.0', allowUnauthenticatedNonLoopback: true, metricsHost: '127.0.0.1', metricsPort: '9464' }, env: {} }))).toBeUndefined();
    expect(metricsExposureWarning(resolveConfig({ env: {} }))).toBeUndefined();
  });
});
