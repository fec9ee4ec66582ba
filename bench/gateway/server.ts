// What bench:gateway and bench:city share: starting and stopping a gateway
// (dist/gateway/main.js as a child process), sampling its memory, posting
// batches over HTTP/1.1 keep-alive with Connect proto, reading the summary
// out of a ScoreBatchResponse, and describing the machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../engine/src/package-root.js';
import { DEFAULT_MAX_BODY_BYTES } from '../../gateway/protocols/body.js';
import { mib } from './sizing.js';

export const SCORE_PATH = '/gridcode.v1.ScoringService/ScoreBatch';

export interface StartedGateway {
  /** http://host:port of the HTTP/1.1 server. */
  readonly url: string;
  /** http://host:grpcPort of the h2c server (gRPC, ScoreStream). */
  readonly h2: string;
  readonly pid: number;
  readonly readyLine: string;
  /** SIGTERM, then waits for the exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** The last lines of its stderr (for error messages). */
  stderrTail(): string;
}

/**
 * The flags that keep a started gateway at its documented defaults unless a
 * body of `largestBody` bytes needs more: then its body limit is raised to
 * the next power of two above it (bench:gateway and bench:limits alike).
 */
export function bodyLimitArgs(largestBody: number): string[] {
  return largestBody > DEFAULT_MAX_BODY_BYTES ? ['--max-body-bytes', String(2 ** Math.ceil(Math.log2(largestBody + 1)))] : [];
}

/** The limits a started gateway runs with, as the benchmarks print them (saying when the body limit was raised). */
export function limitsLine(config: { readonly maxInflightBytes: number; readonly maxBodyBytes: number; readonly maxQueue: number; readonly workers: number }): string {
  const raised = config.maxBodyBytes > DEFAULT_MAX_BODY_BYTES ? ` (raised by the benchmark from the default ${mib(DEFAULT_MAX_BODY_BYTES)} to fit its largest body)` : '';
  return `its limits: maxInflightBytes ${mib(config.maxInflightBytes)}, maxBodyBytes ${mib(config.maxBodyBytes)}${raised}, maxQueue ${config.maxQueue}, workers ${config.workers}`;
}

/** Starts `node dist/gateway/main.js --port 0 --grpc-port 0 …extra` and waits for its ready line. */
export function startGateway(extra: readonly string[] = []): Promise<StartedGateway> {
  const main = join(packageRoot, 'dist', 'gateway', 'main.js');
  const child: ChildProcess = spawn(process.execPath, [main, '--port', '0', '--grpc-port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line) tail.push(line);
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the gateway did not get ready in 60 s:\n${tail.join('\n')}`));
    }, 60_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('gridcode ready:'));
      const match = line?.match(/http:\/\/(\S+?),/);
      if (!line || !match) return;
      clearTimeout(timer);
      const grpcPort = line.match(/grpc h2c \S+?:(\d+)/)?.[1];
      resolve({
        url: `http://${match[1]}`,
        h2: `http://${match[1]!.replace(/:\d+$/, '')}:${grpcPort}`,
        pid: child.pid!,
        readyLine: line,
        stderrTail: () => tail.join('\n'),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
          const code = await exited;
          clearTimeout(killer);
          return code;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited (${code}) before it was ready:\n${tail.join('\n')}`));
    });
  });
}

/** Peak and current resident memory of a process (all its threads), from /proc/<pid>/status. */
export class RssSampler {
  /** Largest VmRSS seen by sampling. */
  peakSampled = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastHwm = 0;

  constructor(readonly pid: number, readonly everyMs = 100) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  /** VmHWM (the kernel's own high-water mark) and VmRSS now, in bytes; undefined once the process is gone. */
  read(): { hwm: number; rss: number } | undefined {
    let text: string;
    try {
      text = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    } catch {
      return undefined;
    }
    const kib = (name: string) => Number(text.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0) * 1024;
    return { hwm: kib('VmHWM'), rss: kib('VmRSS') };
  }

  sample(): void {
    const now = this.read();
    if (!now) return;
    if (now.rss > this.peakSampled) this.peakSampled = now.rss;
    this.lastHwm = now.hwm;
  }

  /** The peak: the kernel's VmHWM (which misses nothing between samples), or the sampled peak if larger. */
  get peak(): number {
    return Math.max(this.lastHwm, this.peakSampled);
  }

  stop(): void {
    this.sample();
    if (this.timer) clearInterval(this.timer);
  }
}

export interface PostResult {
  readonly status: number;
  readonly body: Buffer;
}

/** POSTs one Connect unary proto request over a keep-alive agent. */
export function postBatch(agent: Agent, url: URL, body: Uint8Array, token?: string): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/proto', 'content-length': body.byteLength };
    if (token) headers['authorization'] = `Bearer ${token}`;
    const req = request({ agent, method: 'POST', hostname: url.hostname, port: url.port, path: SCORE_PATH, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Codes and rule hits of a ScoreBatchResponse, read from its `summary` (field 4) without decoding the results. */
export interface Summary {
  total: number;
  green: number;
  yellow: number;
  red: number;
  gray: number;
  ruleHits: Map<string, number>;
}

export function emptySummary(): Summary {
  return { total: 0, green: 0, yellow: 0, red: 0, gray: 0, ruleHits: new Map() };
}

export function addSummary(into: Summary, from: Summary): void {
  into.total += from.total;
  into.green += from.green;
  into.yellow += from.yellow;
  into.red += from.red;
  into.gray += from.gray;
  for (const [rule, n] of from.ruleHits) into.ruleHits.set(rule, (into.ruleHits.get(rule) ?? 0) + n);
}

class Wire {
  pos: number;
  constructor(readonly bytes: Uint8Array, start: number, readonly end: number) {
    this.pos = start;
  }
  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint in the response');
      const b = this.bytes[this.pos++]!;
      value += (b & 127) * scale;
      if (b < 128) return value;
      scale *= 128;
    }
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) {
      const length = this.varint(); // read before pos, which varint() moves
      this.pos += length;
    }
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unexpected wire type ${wireType} in the response`);
  }
}

const decoder = new TextDecoder();

export function readSummary(bytes: Uint8Array): Summary {
  const summary = emptySummary();
  const top = new Wire(bytes, 0, bytes.length);
  while (top.pos < top.end) {
    const tag = top.varint();
    if (tag >>> 3 !== 4 || (tag & 7) !== 2) {
      top.skip(tag & 7);
      continue;
    }
    const length = top.varint();
    const s = new Wire(bytes, top.pos, top.pos + length);
    top.pos += length;
    while (s.pos < s.end) {
      const t = s.varint();
      const field = t >>> 3;
      if (field >= 1 && field <= 5 && (t & 7) === 0) {
        const n = s.varint();
        if (field === 1) summary.total = n;
        else if (field === 2) summary.green = n;
        else if (field === 3) summary.yellow = n;
        else if (field === 4) summary.red = n;
        else summary.gray = n;
      } else if (field === 6 && (t & 7) === 2) {
        const entryLength = s.varint();
        const e = new Wire(bytes, s.pos, s.pos + entryLength);
        s.pos += entryLength;
        let key = '';
        let value = 0;
        while (e.pos < e.end) {
          const et = e.varint();
          if (et === 0x0a) {
            const n = e.varint();
            key = decoder.decode(bytes.subarray(e.pos, e.pos + n));
            e.pos += n;
          } else if (et === 0x10) value = e.varint();
          else e.skip(et & 7);
        }
        summary.ruleHits.set(key, (summary.ruleHits.get(key) ?? 0) + value);
      } else s.skip(t & 7);
    }
  }
  return summary;
}

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  /** os.loadavg() at the start: 1, 5, 15 minutes. */
  readonly loadavgStart: readonly number[];
}

export function machineInfo(): MachineInfo {
  const all = cpus();
  return {
    cpu: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadavgStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function loadNow(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}

/** One way to write MiB in the benchmarks' output (sizing.ts). */
export { mib } from './sizing.js';
export const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
