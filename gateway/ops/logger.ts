// JSON lines on stderr: {"level":"info","time":"…","msg":"…", …fields}.
// Stdout is left to the one "ready" line. What a log must never hold:
// readings, request bodies, tokens or the Authorization header. Fields with
// such names are dropped here whatever a caller passes, so a careless
// `logger.info('x', { request })` cannot leak them.
import type { RegistryLogger } from '../../engine/src/index.js';
import type { LogLevel } from './config.js';

export type Fields = Readonly<Record<string, unknown>>;

export interface Logger {
  readonly level: LogLevel;
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  /** A logger that adds `fields` to every line (e.g. a request id). */
  child(fields: Fields): Logger;
  isEnabled(level: Exclude<LogLevel, 'silent'>): boolean;
}

/** One finished request, as the access log line shows it. Sizes in bytes, durations in ms. */
export interface RequestLog {
  readonly requestId: string;
  readonly tenant?: string | undefined;
  readonly method: string;
  readonly protocol: string;
  /** `ok` or an error code. */
  readonly code: string;
  readonly requestBytes?: number | undefined;
  readonly responseBytes?: number | undefined;
  readonly consumers?: number | undefined;
  readonly ruleSet?: string | undefined;
  readonly durationMs: number;
  readonly queueMs?: number | undefined;
  readonly engineMs?: number | undefined;
  /** The client-facing message of an error (never the internal one, which is logged separately). */
  readonly error?: string | undefined;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Field names never written (compared lower-case, without - and _). */
const FORBIDDEN = new Set(['authorization', 'token', 'tokens', 'bearer', 'password', 'secret', 'readings', 'loadkw', 'waterm3', 'consumers', 'body', 'request', 'bytes', 'buffer', 'headers']);

/** Logs `consumers` as a count is fine: only these names may carry numbers that look like forbidden ones. */
const COUNTS = new Set(['consumers']);

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Defaults to process.stderr. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
  readonly base?: Fields;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  return make(level, write, now, options.base ?? {});
}

function make(level: LogLevel, write: (line: string) => void, now: () => Date, base: Fields): Logger {
  const threshold = RANK[level];
  const log = (at: Exclude<LogLevel, 'silent'>, message: string, fields?: Fields): void => {
    if (RANK[at] < threshold) return;
    const line: Record<string, unknown> = { level: at, time: now().toISOString(), msg: message };
    for (const source of [base, fields ?? {}]) {
      for (const [key, value] of Object.entries(source)) {
        if (value === undefined || key === 'level' || key === 'time' || key === 'msg') continue;
        const name = key.toLowerCase().replace(/[-_]/g, '');
        if (FORBIDDEN.has(name) && !(COUNTS.has(name) && typeof value === 'number')) continue;
        line[key] = serialize(value);
      }
    }
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch {
      text = JSON.stringify({ level: at, time: line['time'], msg: message, note: 'fields could not be serialized' });
    }
    write(`${text}\n`);
  };
  return {
    level,
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (fields) => make(level, write, now, { ...base, ...fields }),
    isEnabled: (at) => RANK[at] >= threshold,
  };
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, ...(value.stack ? { stack: value.stack } : {}) };
  if (typeof value === 'bigint') return value.toString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/**
 * The access-log line of one request (info; warn for server-side errors). It
 * always has the same keys, so a line can be grepped for any of them: tenant
 * is null before authentication, sizes are 0 when nothing was read or sent.
 */
export function logRequest(logger: Logger, entry: RequestLog): void {
  const serverSide = entry.code === 'internal' || entry.code === 'unknown' || entry.code === 'unavailable';
  const fields: Record<string, unknown> = {
    ...entry,
    tenant: entry.tenant ?? null,
    requestBytes: entry.requestBytes ?? 0,
    responseBytes: entry.responseBytes ?? 0,
    durationMs: round(entry.durationMs),
  };
  if (entry.queueMs !== undefined) fields['queueMs'] = round(entry.queueMs);
  if (entry.engineMs !== undefined) fields['engineMs'] = round(entry.engineMs);
  (serverSide ? logger.warn : logger.info)('request', fields);
}

/** The registry's logger (info/warn/error of a message) on top of ours. */
export function registryLogger(logger: Logger): RegistryLogger {
  const child = logger.child({ component: 'rule-sets' });
  return { info: (m) => child.info(m), warn: (m) => child.warn(m), error: (m) => child.error(m) };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
