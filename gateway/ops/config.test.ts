import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../engine/src/package-root.js';
import { ConfigError, USAGE, defaultConfig, loadConfig, parseCommandLine, resolveConfig } from './config.js';
import { configErrorOf as errorOf } from '../../tests/support/gateway/config-error.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gridcode-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('defaults', () => {
  it('are the documented ones', () => {
    const config = resolveConfig({ env: {} });
    expect(config).toEqual(defaultConfig());
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8080);
    expect(config.grpcPort).toBe(8081);
    expect(config.rulesDir).toBe(resolve(packageRoot, 'rules'));
    expect(config.defaultRuleSet).toBe('default');
    expect(config.workers).toBe(availableParallelism());
    expect(config.maxBodyBytes).toBe(128 * 1024 * 1024);
    expect(config.tokensFile).toBeUndefined();
    expect(config.allowUnauthenticatedNonLoopback).toBe(false);
  });
});

describe('precedence: file < environment < flags', () => {
  const file = { path: '/etc/gridcode/gateway.yaml', values: { port: 9000, grpcPort: 9001, workers: 3, rulesDir: 'rules.d', log_level: 'warn' } };

  it('takes the file over the defaults, resolving its paths against its folder', () => {
    const config = resolveConfig({ file, env: {} });
    expect(config).toMatchObject({ port: 9000, grpcPort: 9001, workers: 3, rulesDir: '/etc/gridcode/rules.d', logLevel: 'warn', host: '127.0.0.1' });
  });

  it('takes the environment over the file', () => {
    const config = resolveConfig({ file, env: { PORT: '9100', GRIDCODE_WORKERS: '5' }, cwd: '/srv' });
    expect(config).toMatchObject({ port: 9100, grpcPort: 9001, workers: 5 });
  });

  it('takes flags over the environment, resolving their paths against cwd', () => {
    const flags = parseCommandLine(['--port', '9200', '--grpc-port=9201', '--rules-dir', 'my-rules']).values;
    const config = resolveConfig({ file, env: { PORT: '9100', GRPC_PORT: '9101' }, flags, cwd: '/srv' });
    expect(config).toMatchObject({ port: 9200, grpcPort: 9201, rulesDir: '/srv/my-rules', workers: 3 });
  });

  it('ignores empty environment variables', () => {
    expect(resolveConfig({ file, env: { PORT: '' } }).port).toBe(9000);
  });

  it('reads every documented environment variable', () => {
    const config = resolveConfig({
      env: {
        GRIDCODE_HOST: '::1',
        PORT: '1',
        GRPC_PORT: '2',
        GRIDCODE_RULES_DIR: '/r',
        GRIDCODE_DEFAULT_RULE_SET: 'district-a',
        GRIDCODE_WORKERS: '7',
        GRIDCODE_MAX_QUEUE: '9',
        GRIDCODE_MAX_BODY_BYTES: '1MiB',
        GRIDCODE_MAX_INFLIGHT_BYTES: '3MiB',
        GRIDCODE_MAX_CONSUMERS: '10',
        GRIDCODE_SPLIT_THRESHOLD_BYTES: '16MiB',
        GRIDCODE_MAX_READINGS_PER_CONSUMER: '2880',
        GRIDCODE_TOKENS_FILE: '/t.yaml',
        GRIDCODE_INSECURE_NO_AUTH: 'yes',
        GRIDCODE_LOG_LEVEL: 'DEBUG',
        GRIDCODE_SHUTDOWN_TIMEOUT_MS: '500',
        GRIDCODE_DRAIN_DELAY_MS: '200',
        GRIDCODE_BODY_IDLE_TIMEOUT_MS: '7000',
        GRIDCODE_CORS_ORIGINS: 'https://app.example.com',
      },
    });
    expect(config).toEqual({
      host: '::1',
      port: 1,
      grpcPort: 2,
      rulesDir: '/r',
      defaultRuleSet: 'district-a',
      workers: 7,
      maxQueue: 9,
      maxBodyBytes: 1024 * 1024,
      maxInflightBytes: 3 * 1024 * 1024,
      maxConsumers: 10,
      splitThresholdBytes: 16 * 1024 * 1024,
      maxReadingsPerConsumer: 2880,
      tokensFile: '/t.yaml',
      allowUnauthenticatedNonLoopback: true,
      logLevel: 'debug',
      shutdownTimeoutMs: 500,
      drainDelayMs: 200,
      bodyIdleTimeoutMs: 7000,
      corsOrigins: ['https://app.example.com'],
    });
  });

  it('accepts port 0 (any free port) for both servers', () => {
    expect(resolveConfig({ flags: parseCommandLine(['--port', '0', '--grpc-port', '0']).values, env: {} })).toMatchObject({ port: 0, grpcPort: 0 });
  });
});

describe('validation', () => {
  it('says what a bad port is', () => {
    expect(errorOf(() => resolveConfig({ flags: { port: '70000' }, env: {} }))).toBe('port (--port): "70000" is not a TCP port (1–65535, or 0 for any free port)');
    expect(errorOf(() => resolveConfig({ env: { GRPC_PORT: 'http' } }))).toBe('grpcPort (environment variable GRPC_PORT): "http" is not a TCP port (1–65535, or 0 for any free port)');
    expect(errorOf(() => resolveConfig({ file: { path: 'c.yaml', values: { port: -1 } }, env: {} }))).toMatch(/^port in c\.yaml: -1 is not a TCP port/);
  });

  it('refuses the same port for both servers', () => {
    expect(errorOf(() => resolveConfig({ flags: { port: '9000', grpcPort: '9000' }, env: {} }))).toMatch(/both 9000/);
  });

  it('refuses bad counts, sizes, levels and booleans', () => {
    expect(errorOf(() => resolveConfig({ flags: { workers: '0' }, env: {} }))).toMatch(/workers \(--workers\): "0" is not a whole number of at least 1/);
    expect(errorOf(() => resolveConfig({ flags: { workers: '2.5' }, env: {} }))).toMatch(/not a whole number/);
    expect(errorOf(() => resolveConfig({ flags: { maxReadingsPerConsumer: '200000' }, env: {} }))).toMatch(/more than the engine scores \(115200/);
    expect(errorOf(() => resolveConfig({ flags: { maxBodyBytes: 'lots' }, env: {} }))).toMatch(/is not a size/);
    expect(errorOf(() => resolveConfig({ flags: { logLevel: 'chatty' }, env: {} }))).toMatch(/not a log level \(debug, info, warn, error, silent\)/);
    expect(errorOf(() => resolveConfig({ env: { GRIDCODE_INSECURE_NO_AUTH: 'maybe' } }))).toMatch(/not true or false/);
    expect(errorOf(() => resolveConfig({ flags: { host: 'a b' }, env: {} }))).toMatch(/not a host name/);
  });

  it('reads sizes with units', () => {
    expect(resolveConfig({ flags: { maxBodyBytes: '64MiB' }, env: {} }).maxBodyBytes).toBe(64 * 1024 * 1024);
    expect(resolveConfig({ flags: { maxBodyBytes: '10 MB' }, env: {} }).maxBodyBytes).toBe(10_000_000);
    expect(resolveConfig({ file: { path: 'c.json', values: { maxBodyBytes: 2048 } }, env: {} }).maxBodyBytes).toBe(2048);
  });

  it('bounds request bytes in flight by 256 MiB by default, never less than the largest body', () => {
    expect(defaultConfig().maxInflightBytes).toBe(256 * 1024 * 1024);
    expect(resolveConfig({ flags: parseCommandLine(['--max-inflight-bytes', '2MiB', '--max-body-bytes', '2MiB']).values, env: {} }).maxInflightBytes).toBe(2 * 1024 * 1024);
    expect(errorOf(() => resolveConfig({ flags: { maxInflightBytes: '1MiB', maxBodyBytes: '2MiB' }, env: {} }))).toMatch(/^maxInflightBytes \(1048576\) is less than maxBodyBytes \(2097152\)/);
    expect(errorOf(() => resolveConfig({ flags: { maxBodyBytes: '512MiB' }, env: {} }))).toMatch(/raise maxInflightBytes or lower maxBodyBytes/);
  });

  it('gives up on a request body that stalls for 15 s by default; 0 never does', () => {
    expect(defaultConfig().bodyIdleTimeoutMs).toBe(15_000);
    expect(resolveConfig({ flags: parseCommandLine(['--body-idle-timeout-ms', '0']).values, env: {} }).bodyIdleTimeoutMs).toBe(0);
    expect(resolveConfig({ flags: {}, env: { GRIDCODE_BODY_IDLE_TIMEOUT_MS: '2500' } }).bodyIdleTimeoutMs).toBe(2500);
    expect(errorOf(() => resolveConfig({ flags: { bodyIdleTimeoutMs: '-1' }, env: {} }))).toMatch(/not a number of milliseconds/);
  });

  it('keeps serving for drainDelayMs (0 by default) on SIGTERM, less than the shutdown timeout', () => {
    expect(defaultConfig().drainDelayMs).toBe(0);
    expect(resolveConfig({ flags: parseCommandLine(['--drain-delay-ms', '5000']).values, env: {} }).drainDelayMs).toBe(5000);
    expect(errorOf(() => resolveConfig({ flags: { drainDelayMs: '30000' }, env: {} }))).toMatch(/drainDelayMs \(30000\) is not less than shutdownTimeoutMs \(30000\)/);
  });

  it('refuses unknown settings in a file, naming the known ones', () => {
    expect(errorOf(() => resolveConfig({ file: { path: 'c.yaml', values: { prot: 1 } }, env: {} }))).toMatch(/^config file c\.yaml: unknown setting "prot"; the settings are host, port, grpcPort/);
  });

  it('refuses unknown flags', () => {
    expect(errorOf(() => parseCommandLine(['--prot', '1']))).toMatch(/Unknown option '--prot'/);
    expect(errorOf(() => parseCommandLine(['--port']))).toMatch(/--port/);
  });

  it('documents every flag in the usage', () => {
    for (const flag of ['--config', '--port', '--grpc-port', '--tokens-file', '--insecure-no-auth', '--shutdown-timeout-ms', '--max-inflight-bytes', '--drain-delay-ms']) expect(USAGE).toContain(flag);
  });
});

describe('loadConfig', () => {
  it('reads a YAML file named by --config, then env, then flags', async () => {
    const file = join(dir, 'gateway.yaml');
    await writeFile(file, 'port: 9300\ngrpc_port: 9301\ntokens_file: tokens.yaml\nmetrics_token_file: metrics-token.yaml\nhost: 0.0.0.0\n');
    const config = await loadConfig({ argv: ['--config', file, '--grpc-port', '9401'], env: { PORT: '9400' }, cwd: '/' });
    expect(config).toMatchObject({ port: 9400, grpcPort: 9401, tokensFile: join(dir, 'tokens.yaml'), metricsTokenFile: join(dir, 'metrics-token.yaml'), host: '0.0.0.0', help: false });
  });

  it('reads a JSON file; a relative --config resolves against cwd', async () => {
    await writeFile(join(dir, 'gateway.json'), JSON.stringify({ workers: 2, maxQueue: 5 }));
    const config = await loadConfig({ argv: ['--config', 'gateway.json'], env: {}, cwd: dir });
    expect(config).toMatchObject({ workers: 2, maxQueue: 5 });
  });

  it('names a missing or broken file', async () => {
    await expect(loadConfig({ argv: ['--config', join(dir, 'missing.yaml')], env: {} })).rejects.toThrow(/missing\.yaml: no such file/);
    await writeFile(join(dir, 'broken.json'), '{"port": ');
    await expect(loadConfig({ argv: ['--config', join(dir, 'broken.json')], env: {} })).rejects.toThrow(ConfigError);
    await writeFile(join(dir, 'list.yaml'), '- 1\n- 2\n');
    await expect(loadConfig({ argv: ['--config', join(dir, 'list.yaml')], env: {} })).rejects.toThrow(/expected a mapping/);
  });

  it('answers --help without reading anything', async () => {
    expect((await loadConfig({ argv: ['--help', '--config', '/nonexistent'], env: {} })).help).toBe(true);
  });
});

describe('corsOrigins', () => {
  it('is off by default', () => {
    expect(resolveConfig({ env: {} }).corsOrigins).toEqual([]);
  });

  it('takes a comma-separated flag or environment variable, and a list or a string in the file', () => {
    const flags = parseCommandLine(['--cors-origins', 'https://app.example.com, http://localhost:5173']).values;
    expect(resolveConfig({ env: {}, flags }).corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(resolveConfig({ env: { GRIDCODE_CORS_ORIGINS: 'https://a.example.org' } }).corsOrigins).toEqual(['https://a.example.org']);
    const file = { path: '/etc/gridcode/gateway.yaml', values: { cors_origins: ['https://b.example.org', 'https://c.example.org:8443'] } };
    expect(resolveConfig({ file, env: {} }).corsOrigins).toEqual(['https://b.example.org', 'https://c.example.org:8443']);
    expect(resolveConfig({ file: { path: '/g.yaml', values: { corsOrigins: '*' } }, env: {} }).corsOrigins).toEqual(['*']);
    // A flag with nothing in it turns CORS off again.
    expect(resolveConfig({ env: { GRIDCODE_CORS_ORIGINS: '*' }, flags: parseCommandLine(['--cors-origins', '']).values }).corsOrigins).toEqual([]);
  });

  it('writes origins as browsers send them: lower case, no default port, once', () => {
    const flags = parseCommandLine(['--cors-origins', 'HTTPS://App.Example.COM:443,https://app.example.com,http://x.example:80']).values;
    expect(resolveConfig({ env: {}, flags }).corsOrigins).toEqual(['https://app.example.com', 'http://x.example']);
  });

  it.each([
    ['https://app.example.com/', /"https:\/\/app\.example\.com\/" is not an origin: .*no path or trailing slash/],
    ['https://app.example.com/page', /is not an origin/],
    ['app.example.com', /is not an origin: give scheme:\/\/host\[:port\]/],
    ['ftp://files.example.com', /is not an origin/],
    ['https://user@app.example.com', /is not an origin/],
    ['null', /is not an origin/],
    ['https://app.example.com:99999', /is not an origin/],
    ['*,https://app.example.com', /"\*" allows every origin; give it alone/],
  ])('refuses %j, naming the setting', (value, message) => {
    const text = errorOf(() => resolveConfig({ env: {}, flags: parseCommandLine(['--cors-origins', value]).values }));
    expect(text).toMatch(/^corsOrigins \(--cors-origins\): /);
    expect(text).toMatch(message);
  });

  it('refuses a file value that is neither a string nor a list of strings', () => {
    expect(errorOf(() => resolveConfig({ file: { path: '/g.yaml', values: { corsOrigins: [1] } }, env: {} }))).toMatch(/corsOrigins in \/g\.yaml: expected origins/);
  });

  it('is in the usage text', () => {
    expect(USAGE).toMatch(/--cors-origins VALUE\s+.*\[corsOrigins; GRIDCODE_CORS_ORIGINS\]/);
  });
});
