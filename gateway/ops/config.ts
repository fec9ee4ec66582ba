// The gateway's configuration: defaults, then a file (--config, JSON or YAML),
// then environment variables, then command-line flags; later wins. Every
// value is checked here, once, with a message that names where it came from,
// so that the rest of the gateway can trust a GatewayConfig.
import { DEFAULT_LIMITS } from '../rpc/limits.js';
import { DEFAULT_MAX_BODY_BYTES } from '../protocols/body.js';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../../engine/src/package-root.js';
import { ConfigError } from './config-error.js';
import { checkExposure, checkMetricsExposure } from './exposure.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface GatewayConfig {
  /** Where both servers listen. */
  readonly host: string;
  /** Connect, gRPC-Web, /metrics, /healthz, /readyz (HTTP/1.1); 0 = any free port. */
  readonly port: number;
  /** gRPC over cleartext HTTP/2 (h2c); 0 = any free port. */
  readonly grpcPort: number;
  /** The rule-set directory (absolute). */
  readonly rulesDir: string;
  /** What an empty `rule_set` means (for tenants that do not say otherwise). */
  readonly defaultRuleSet: string;
  /** Worker threads that score. */
  readonly workers: number;
  /** Requests waiting for a worker before new ones get resource_exhausted. */
  readonly maxQueue: number;
  /** Largest request body, after decompression. */
  readonly maxBodyBytes: number;
  /** Request bytes all accepted requests may hold at once (JSON counts thrice); at least maxBodyBytes. */
  readonly maxInflightBytes: number;
  readonly maxConsumers: number;
  /** Bodies from this size on are split across the workers when at least two are idle (all read the one shared copy). */
  readonly splitThresholdBytes: number;
  readonly maxReadingsPerConsumer: number;
  /** The tenants and their hashed bearer tokens (absolute); undefined = no authentication. */
  readonly tokensFile: string | undefined;
  /** Listen on a non-loopback address without tokens (--insecure-no-auth). */
  readonly allowUnauthenticatedNonLoopback: boolean;
  readonly logLevel: LogLevel;
  /** How long SIGTERM waits for accepted requests before it gives up and exits 1. */
  readonly shutdownTimeoutMs: number;
  /** On SIGTERM, /readyz answers 503 this long while requests are still served, so that load balancers stop sending first. */
  readonly drainDelayMs: number;
  /** A request body that stalls this long is deadline_exceeded (0 = never): it would hold its share of maxInflightBytes. */
  readonly bodyIdleTimeoutMs: number;
  /** Web-page origins (`https://host[:port]`) allowed to call from a browser (CORS), or `['*']`; empty = CORS off. */
  readonly corsOrigins: readonly string[];
  /** Where the metrics listener listens (default: host); only with metricsPort. */
  readonly metricsHost: string | undefined;
  /** /metrics on a listener of its own (0 = any free port), and no longer on `port`; undefined = /metrics on `port`. */
  readonly metricsPort: number | undefined;
  /** sha256 hashes of the bearer tokens /metrics accepts (absolute); undefined = /metrics needs no token (loopback only). */
  readonly metricsTokenFile: string | undefined;
}

export { ConfigError } from './config-error.js';

type Key = keyof GatewayConfig;
type Kind = 'host' | 'port' | 'path' | 'id' | 'count' | 'bytes' | 'boolean' | 'logLevel' | 'ms' | 'origins';

interface Option {
  readonly key: Key;
  readonly kind: Kind;
  readonly flag: string;
  readonly env: readonly string[];
  readonly help: string;
}

/** Every option: its config-file key, flag and environment variables. The README's table follows this. */
export const OPTIONS: readonly Option[] = [
  { key: 'host', kind: 'host', flag: 'host', env: ['GRIDCODE_HOST'], help: 'address both servers listen on' },
  { key: 'port', kind: 'port', flag: 'port', env: ['PORT', 'GRIDCODE_PORT'], help: 'Connect, gRPC-Web, metrics and health (HTTP/1.1); 0 = any free port' },
  { key: 'grpcPort', kind: 'port', flag: 'grpc-port', env: ['GRPC_PORT', 'GRIDCODE_GRPC_PORT'], help: 'gRPC (HTTP/2 cleartext); 0 = any free port' },
  { key: 'rulesDir', kind: 'path', flag: 'rules-dir', env: ['GRIDCODE_RULES_DIR'], help: 'directory of rule-set files, watched for changes' },
  { key: 'defaultRuleSet', kind: 'id', flag: 'default-rule-set', env: ['GRIDCODE_DEFAULT_RULE_SET'], help: 'rule set used when a request names none' },
  { key: 'workers', kind: 'count', flag: 'workers', env: ['GRIDCODE_WORKERS'], help: 'scoring worker threads' },
  { key: 'maxQueue', kind: 'count', flag: 'max-queue', env: ['GRIDCODE_MAX_QUEUE'], help: 'requests waiting for a worker before resource_exhausted' },
  { key: 'maxBodyBytes', kind: 'bytes', flag: 'max-body-bytes', env: ['GRIDCODE_MAX_BODY_BYTES'], help: 'largest request body (e.g. 128MiB)' },
  { key: 'maxInflightBytes', kind: 'bytes', flag: 'max-inflight-bytes', env: ['GRIDCODE_MAX_INFLIGHT_BYTES'], help: 'request bytes accepted requests may hold at once, beyond which resource_exhausted (e.g. 256MiB; at least maxBodyBytes)' },
  { key: 'maxConsumers', kind: 'count', flag: 'max-consumers', env: ['GRIDCODE_MAX_CONSUMERS'], help: 'consumers in one batch' },
  { key: 'splitThresholdBytes', kind: 'bytes', flag: 'split-threshold-bytes', env: ['GRIDCODE_SPLIT_THRESHOLD_BYTES'], help: 'request bodies from this size on are split across the workers when at least two are idle (e.g. 32MiB)' },
  { key: 'maxReadingsPerConsumer', kind: 'count', flag: 'max-readings-per-consumer', env: ['GRIDCODE_MAX_READINGS_PER_CONSUMER'], help: 'load_kw values of one consumer' },
  { key: 'tokensFile', kind: 'path', flag: 'tokens-file', env: ['GRIDCODE_TOKENS_FILE'], help: 'tenants and sha256 hashes of their bearer tokens (YAML or JSON)' },
  { key: 'allowUnauthenticatedNonLoopback', kind: 'boolean', flag: 'insecure-no-auth', env: ['GRIDCODE_INSECURE_NO_AUTH'], help: 'allow a non-loopback host without tokensFile; also serves /metrics there without a metrics token (open to the network; a warning is logged)' },
  { key: 'logLevel', kind: 'logLevel', flag: 'log-level', env: ['GRIDCODE_LOG_LEVEL'], help: LOG_LEVELS.join(', ') },
  { key: 'shutdownTimeoutMs', kind: 'ms', flag: 'shutdown-timeout-ms', env: ['GRIDCODE_SHUTDOWN_TIMEOUT_MS'], help: 'SIGTERM waits this long for accepted requests' },
  { key: 'bodyIdleTimeoutMs', kind: 'ms', flag: 'body-idle-timeout-ms', env: ['GRIDCODE_BODY_IDLE_TIMEOUT_MS'], help: 'a request body that sends nothing for this long is deadline_exceeded (0 = never)' },
  { key: 'drainDelayMs', kind: 'ms', flag: 'drain-delay-ms', env: ['GRIDCODE_DRAIN_DELAY_MS'], help: 'on SIGTERM, /readyz says 503 this long while requests are still served (less than shutdownTimeoutMs)' },
  { key: 'metricsHost', kind: 'host', flag: 'metrics-host', env: ['GRIDCODE_METRICS_HOST'], help: 'address the metrics listener listens on (default: host); needs metricsPort' },
  { key: 'metricsPort', kind: 'port', flag: 'metrics-port', env: ['GRIDCODE_METRICS_PORT'], help: '/metrics on its own listener (and not on port); 0 = any free port' },
  { key: 'metricsTokenFile', kind: 'path', flag: 'metrics-token-file', env: ['GRIDCODE_METRICS_TOKEN_FILE'], help: 'sha256 hashes of the bearer tokens /metrics accepts (YAML or JSON: tokens: [...])' },
  { key: 'corsOrigins', kind: 'origins', flag: 'cors-origins', env: ['GRIDCODE_CORS_ORIGINS'], help: 'web-page origins that may call from a browser (CORS), comma-separated (e.g. https://app.example.com), or * for any; none = CORS off' },
];

/** 400 days of 288 readings: the longest curve the engine scores. */
export const MAX_READINGS_PER_CONSUMER = 400 * 288;

export function defaultConfig(): GatewayConfig {
  return {
    host: '127.0.0.1',
    port: 8080,
    grpcPort: 8081,
    rulesDir: resolve(packageRoot, 'rules'),
    defaultRuleSet: 'default',
    workers: availableParallelism(),
    maxQueue: 64,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    maxInflightBytes: 256 * 1024 * 1024,
    maxConsumers: 100_000,
    splitThresholdBytes: DEFAULT_LIMITS.splitThresholdBytes,
    maxReadingsPerConsumer: MAX_READINGS_PER_CONSUMER,
    tokensFile: undefined,
    allowUnauthenticatedNonLoopback: false,
    logLevel: 'info',
    shutdownTimeoutMs: 30_000,
    drainDelayMs: 0,
    bodyIdleTimeoutMs: 15_000,
    corsOrigins: [],
    metricsHost: undefined,
    metricsPort: undefined,
    metricsTokenFile: undefined,
  };
}

export const USAGE = `Usage: node dist/gateway/main.js [options]   (npm start -- [options], gridcode serve [options])

The gridcode scoring service: Connect, gRPC-Web, /metrics, /healthz and /readyz
on --port (/metrics on --metrics-port instead, when given); gRPC (h2c) on
--grpc-port. Settings come from defaults, then the
--config file (JSON or YAML, keys as below), then environment variables, then
flags; later wins.

Options:
  --config FILE                  read settings from FILE
${OPTIONS.map((o) => `  --${o.flag}${o.kind === 'boolean' ? '' : ' VALUE'}`.padEnd(33) + `${o.help} [${o.key}; ${o.env.join(', ')}]`).join('\n')}
  -h, --help                     show this help`;

/** Where values come from, besides the file. */
export interface ConfigSources {
  readonly argv?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Relative paths of env and flags resolve against it. */
  readonly cwd?: string;
}

export interface ParsedCommandLine {
  readonly help: boolean;
  readonly configFile: string | undefined;
  /** Flag values as given, by config key. */
  readonly values: Partial<Record<Key, string | boolean>>;
}

/** Splits the command line; ConfigError for an unknown flag or a missing value. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } };
  for (const option of OPTIONS) options[option.flag] = { type: option.kind === 'boolean' ? 'boolean' : 'string' };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }) as typeof parsed;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '')}`);
  }
  const values: Partial<Record<Key, string | boolean>> = {};
  for (const option of OPTIONS) {
    const value = parsed.values[option.flag];
    if (value !== undefined) values[option.key] = value;
  }
  const configFile = parsed.values['config'];
  return { help: parsed.values['help'] === true, configFile: typeof configFile === 'string' ? configFile : undefined, values };
}

/** Reads a config file: an object of the keys of GatewayConfig (camelCase or snake_case). */
export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`config file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let document: unknown;
  try {
    document = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config file ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) throw new ConfigError(`config file ${file}: expected a mapping of settings (host, port, ...)`);
  return document as Record<string, unknown>;
}

/** Everything from the process: reads --config if given. Throws ConfigError. */
export async function loadConfig(sources: ConfigSources = {}): Promise<GatewayConfig & { readonly help: boolean }> {
  const cwd = sources.cwd ?? process.cwd();
  const commandLine = parseCommandLine(sources.argv ?? process.argv.slice(2));
  if (commandLine.help) return { ...defaultConfig(), help: true };
  const configFile = commandLine.configFile === undefined ? undefined : resolve(cwd, commandLine.configFile);
  const file = configFile === undefined ? undefined : { path: configFile, values: await readConfigFile(configFile) };
  return { ...resolveConfig({ file, env: sources.env ?? process.env, flags: commandLine.values, cwd }), help: false };
}

/** The pure part of loadConfig: defaults < file < env < flags, then validation. */
export function resolveConfig(input: {
  readonly file?: { readonly path: string; readonly values: Readonly<Record<string, unknown>> } | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly flags?: Partial<Record<Key, string | boolean>>;
  readonly cwd?: string;
}): GatewayConfig {
  const cwd = input.cwd ?? process.cwd();
  const config: Record<string, unknown> = { ...defaultConfig() };
  const byFileKey = new Map<string, Option>();
  for (const option of OPTIONS) {
    byFileKey.set(option.key, option);
    byFileKey.set(snakeCase(option.key), option);
  }

  if (input.file) {
    const { path, values } = input.file;
    for (const [name, raw] of Object.entries(values)) {
      const option = byFileKey.get(name);
      if (!option) throw new ConfigError(`config file ${path}: unknown setting ${JSON.stringify(name)}; the settings are ${OPTIONS.map((o) => o.key).join(', ')}`);
      if (raw === null || raw === undefined) continue;
      config[option.key] = convert(option, raw, `${option.key} in ${path}`, dirname(path));
    }
  }
  for (const option of OPTIONS) {
    for (const name of option.env) {
      const raw = input.env?.[name];
      if (raw === undefined || raw === '') continue;
      config[option.key] = convert(option, raw, `${option.key} (environment variable ${name})`, cwd);
      break;
    }
  }
  for (const option of OPTIONS) {
    const raw = input.flags?.[option.key];
    if (raw !== undefined) config[option.key] = convert(option, raw, `${option.key} (--${option.flag})`, cwd);
  }

  const result = config as unknown as GatewayConfig;
  if (result.port !== 0 && result.port === result.grpcPort) throw new ConfigError(`port and grpcPort are both ${result.port}; the HTTP/1.1 and the gRPC servers need a port each`);
  if (result.maxInflightBytes < result.maxBodyBytes) {
    throw new ConfigError(`maxInflightBytes (${result.maxInflightBytes}) is less than maxBodyBytes (${result.maxBodyBytes}): a request of the largest allowed size could never be accepted; raise maxInflightBytes or lower maxBodyBytes`);
  }
  if (result.drainDelayMs > 0 && result.drainDelayMs >= result.shutdownTimeoutMs) {
    throw new ConfigError(`drainDelayMs (${result.drainDelayMs}) is not less than shutdownTimeoutMs (${result.shutdownTimeoutMs}): SIGTERM would give up before it stopped accepting`);
  }
  if (result.metricsHost !== undefined && result.metricsPort === undefined) throw new ConfigError(`metricsHost (${result.metricsHost}) is set without metricsPort: /metrics is on port unless metricsPort gives it a listener of its own`);
  if (result.metricsPort !== undefined && result.metricsPort !== 0 && (result.metricsPort === result.port || result.metricsPort === result.grpcPort)) {
    throw new ConfigError(`metricsPort ${result.metricsPort} is also ${result.metricsPort === result.port ? 'port' : 'grpcPort'}: the metrics listener needs a port of its own (or leave metricsPort out to serve /metrics on port)`);
  }
  checkExposure(result);
  checkMetricsExposure(result);
  return result;
}

function convert(option: Option, raw: unknown, where: string, base: string): unknown {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (option.kind) {
    case 'host': {
      if (typeof text !== 'string' || text === '' || /[\s/]/.test(text)) throw new ConfigError(`${where}: ${show(raw)} is not a host name or IP address`);
      return text;
    }
    case 'port': {
      const n = integer(text);
      if (n === undefined || n < 0 || n > 65535) throw new ConfigError(`${where}: ${show(raw)} is not a TCP port (1–65535, or 0 for any free port)`);
      return n;
    }
    case 'path': {
      if (typeof text !== 'string' || text === '') throw new ConfigError(`${where}: expected a path, got ${show(raw)}`);
      return isAbsolute(text) ? text : resolve(base, text);
    }
    case 'id': {
      if (typeof text !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(text)) throw new ConfigError(`${where}: ${show(raw)} is not a rule-set id`);
      return text;
    }
    case 'count': {
      const n = integer(text);
      if (n === undefined || n < 1) throw new ConfigError(`${where}: ${show(raw)} is not a whole number of at least 1`);
      if (option.key === 'maxReadingsPerConsumer' && n > MAX_READINGS_PER_CONSUMER) throw new ConfigError(`${where}: ${n} is more than the engine scores (${MAX_READINGS_PER_CONSUMER}: 400 days of 288 readings)`);
      if (option.key === 'workers' && n > 1024) throw new ConfigError(`${where}: ${n} workers is more than 1024`);
      return n;
    }
    case 'bytes': {
      const n = bytes(text);
      if (n === undefined || n < 1024) throw new ConfigError(`${where}: ${show(raw)} is not a size of at least 1 KiB (a number of bytes, or e.g. 64MiB)`);
      if (n > 2 ** 31 - 1) throw new ConfigError(`${where}: ${show(raw)} is more than 2 GiB - 1, the largest message the server reads`);
      return n;
    }
    case 'boolean': {
      if (typeof text === 'boolean') return text;
      if (typeof text === 'string' && /^(1|true|yes|on)$/i.test(text)) return true;
      if (typeof text === 'string' && /^(0|false|no|off)$/i.test(text)) return false;
      throw new ConfigError(`${where}: ${show(raw)} is not true or false`);
    }
    case 'logLevel': {
      if (typeof text === 'string' && (LOG_LEVELS as readonly string[]).includes(text.toLowerCase())) return text.toLowerCase();
      throw new ConfigError(`${where}: ${show(raw)} is not a log level (${LOG_LEVELS.join(', ')})`);
    }
    case 'ms': {
      const n = integer(text);
      if (n === undefined || n < 0 || n > 24 * 3600 * 1000) throw new ConfigError(`${where}: ${show(raw)} is not a number of milliseconds (0 to 86400000)`);
      return n;
    }
    case 'origins':
      return origins(text, where);
  }
}

/**
 * CORS origins: a comma-separated string (flag, environment) or a list (file)
 * of exact origins, or `*` alone. Each is checked and written as browsers
 * send the Origin header (lower case, no default port), since it is
 * compared byte for byte; a path, even a lone `/`, is a mistake worth saying.
 */
function origins(value: unknown, where: string): string[] {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (!items || items.some((item) => typeof item !== 'string')) throw new ConfigError(`${where}: expected origins, comma-separated or a list, got ${show(value)}`);
  const given = (items as string[]).map((item) => item.trim()).filter((item) => item !== '');
  if (given.includes('*')) {
    if (given.some((item) => item !== '*')) throw new ConfigError(`${where}: "*" allows every origin; give it alone, or list the origins without it`);
    return ['*'];
  }
  const out = new Set<string>();
  for (const item of given) {
    const url = /^https?:\/\/[^/?#@\s\\]+$/i.test(item) ? parseUrl(item) : undefined;
    if (!url) throw new ConfigError(`${where}: ${show(item)} is not an origin: give scheme://host[:port] with http or https and no path or trailing slash, e.g. https://app.example.com`);
    out.add(url.origin);
  }
  return [...out];
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function integer(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value.replace(/_/g, ''))) return Number(value.replace(/_/g, ''));
  return undefined;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, ki: 1024, kib: 1024, mi: 1024 ** 2, mib: 1024 ** 2, gi: 1024 ** 3, gib: 1024 ** 3 };

function bytes(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.replace(/_/g, ''));
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) return undefined;
  const n = Number(match[1]) * unit;
  return Number.isSafeInteger(n) ? n : Number.isFinite(n) ? Math.floor(n) : undefined;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
