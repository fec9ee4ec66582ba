// `--input -` and gzip inputs, on real runs of the built command line
// (`npm run build` first): the same batch as a file, on standard input, as a
// .gz file and as gzip on standard input gives the same bytes out, for both
// formats and both commands; bad gzip streams fail with the input's name; the
// temporary copy (in a TMPDIR private to each test run) is gone afterwards,
// also after an error or a signal; a large standard input streams to disk.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { CLI } from '../../lib/gateway-process.js';
import { runCli } from '../../tests/support/cli.js';
import { SPOOL_PREFIX } from './spool.js';

let dir: string;
/** The runs' TMPDIR: where their temporary copies go, empty between runs. */
let tmp: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridcode-stdin-gz-'));
  tmp = join(dir, 'tmp');
  mkdirSync(tmp);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run in `dir` with `stdin`; the temporary directory is empty after it, whatever happened. */
function gridcodeRun(args: string[], stdin?: Uint8Array | string) {
  const run = runCli(dir, args, { input: stdin, env: { TMPDIR: tmp } });
  expect(readdirSync(tmp)).toEqual([]);
  return run;
}

function ok(args: string[], stdin?: Uint8Array | string): string {
  const run = gridcodeRun(args, stdin);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
}

function file(name: string, content: string | Uint8Array): string {
  writeFileSync(join(dir, name), content);
  return name;
}

/** `days` days at 96 points of consumer `i`: homes by day, every third one a workshop at night. */
function curve(i: number, days: number): number[] {
  return Array.from({ length: 96 * days }, (_, t) => {
    const hour = (t % 96) / 4;
    const night = hour >= 22 || hour < 6;
    return i % 3 === 0 ? (night ? 6 : 2) + ((t * 7 + i) % 10) / 10 : (night ? 0.3 : 1.2) + ((t * 13 + i) % 10) / 100;
  });
}

function consumers(count: number, days: number): gridcode.v1.Consumer.$Properties[] {
  return Array.from({ length: count }, (_, i) => ({ id: `consumer-${i}`, category: 1 + (i % 3), zone: 1, capacityKw: 10, loadKw: curve(i, days) }));
}

function jsonBatch(list: gridcode.v1.Consumer.$Properties[]): string {
  const body = list.map((c) => JSON.stringify({ id: c.id, category: gridcode.v1.Category[c.category!], zone: gridcode.v1.Zone[c.zone!], capacityKw: c.capacityKw, loadKw: c.loadKw }));
  return `{"startDate":"2026-03-02","pointsPerDay":96,"consumers":[\n${body.join(',\n')}\n]}\n`;
}

function pbBatch(list: gridcode.v1.Consumer.$Properties[]): Uint8Array {
  return gridcode.v1.ScoreBatchRequest.encode({ startDate: '2026-03-02', pointsPerDay: 96, consumers: list }).finish();
}

const small = consumers(12, 14);
const FORMATS = [
  { format: 'json', bytes: () => Buffer.from(jsonBatch(small)) },
  { format: 'pb', bytes: () => Buffer.from(pbBatch(small)) },
] as const;

describe('--input - and gzip', () => {
  for (const { format, bytes } of FORMATS) {
    for (const command of ['score', 'features']) {
      it(`${command}: a ${format} batch gives the same bytes from a file, standard input, a .gz file and gzip on standard input`, () => {
        const batch = bytes();
        const zipped = gzipSync(batch);
        const reference = ok([command, '--input', file(`batch.${format}`, batch)]);
        expect(reference.length).toBeGreaterThan(100);
        expect(ok([command, '--input', '-'], batch)).toBe(reference);
        expect(ok([command, '-i', file(`batch.${format}.gz`, zipped)])).toBe(reference);
        expect(ok([command, '--input', '-'], zipped)).toBe(reference);
        // Gzip by its magic bytes whatever the name; the format inside then by the first byte.
        expect(ok([command, '--input', file(`packed-${format}`, zipped)])).toBe(reference);
        // Two gzip members are one stream (as `cat a.gz b.gz` makes).
        const half = batch.length >> 1;
        expect(ok([command, '--input', file(`members.${format}.gz`, Buffer.concat([gzipSync(batch.subarray(0, half)), gzipSync(batch.subarray(half))]))])).toBe(reference);
      });
    }
  }

  it('takes the format inside a .gz from the name without .gz', () => {
    // Leading whitespace: told apart by the first byte this would still be JSON; a .pb.gz name makes it protobuf.
    const json = ` ${jsonBatch(small)}`;
    expect(ok(['features', '-i', file('spaced.json.gz', gzipSync(json))])).toBe(ok(['features', '-i', file('spaced.json', json)]));
    const asPb = gridcodeRun(['features', '-i', file('spaced.pb.gz', gzipSync(json))]);
    expect(asPb.status).toBe(1);
    expect(asPb.stderr).toMatch(/^gridcode: spaced\.pb\.gz: malformed protobuf at byte 0/);
  });

  it('fails with the input\'s name for a corrupt or truncated gzip stream, and leaves nothing behind', () => {
    const zipped = gzipSync(jsonBatch(small));
    const corrupt = Buffer.concat([zipped.subarray(0, 2), Buffer.from('not deflate at all')]);
    const truncated = zipped.subarray(0, zipped.length >> 1);
    const cases: Array<[string[], Uint8Array | undefined, RegExp]> = [
      [['-i', file('corrupt.json.gz', corrupt)], undefined, /^gridcode: corrupt\.json\.gz: not a valid gzip stream: unknown compression method\n$/],
      [['-i', '-'], corrupt, /^gridcode: standard input: not a valid gzip stream: unknown compression method\n$/],
      [['-i', file('truncated.json.gz', truncated)], undefined, /^gridcode: truncated\.json\.gz: not a valid gzip stream: unexpected end of file\n$/],
      [['-i', '-'], truncated, /^gridcode: standard input: not a valid gzip stream: unexpected end of file\n$/],
      // Cut inside the 8-byte trailer (CRC, length): all the data is there, but the stream is not whole.
      [['-i', file('no-trailer.json.gz', zipped.subarray(0, zipped.length - 4))], undefined, /^gridcode: no-trailer\.json\.gz: not a valid gzip stream: unexpected end of file\n$/],
      // Named .gz, but not gzip.
      [['-i', file('plain.json.gz', jsonBatch(small))], undefined, /^gridcode: plain\.json\.gz: not a valid gzip stream: incorrect header check\n$/],
      [['-i', file('empty.pb.gz', '')], undefined, /^gridcode: empty\.pb\.gz: not a valid gzip stream: unexpected end of file\n$/],
    ];
    for (const command of ['score', 'features']) {
      for (const [args, stdin, message] of cases) {
        const run = gridcodeRun([command, ...args], stdin);
        expect([args, run.stderr]).toEqual([args, expect.stringMatching(message)]);
        expect(run.status).toBe(1);
        expect(run.stdout).toBe('');
      }
    }
  });

  it('names a bad batch in messages as the user did, never by its temporary copy', () => {
    const broken = jsonBatch(small).slice(0, 2000);
    const fromGz = gridcodeRun(['score', '-i', file('broken.json.gz', gzipSync(broken))]);
    const fromStdin = gridcodeRun(['features', '-i', '-'], broken);
    const fromGzStdin = gridcodeRun(['score', '-i', '-'], gzipSync(broken));
    const fromFile = gridcodeRun(['score', '-i', file('broken.json', broken)]);
    expect(fromFile.stderr).toMatch(/^gridcode: broken\.json: invalid JSON at /);
    expect(fromGz.stderr).toBe(fromFile.stderr.replace('broken.json', 'broken.json.gz'));
    expect(fromStdin.stderr).toBe(fromFile.stderr.replace('broken.json', 'standard input'));
    expect(fromGzStdin.stderr).toBe(fromStdin.stderr);
    for (const run of [fromGz, fromStdin, fromGzStdin]) {
      expect(run.status).toBe(1);
      expect(run.stderr).not.toContain(SPOOL_PREFIX);
    }
    // An empty standard input is an empty batch, as an empty file is.
    expect(gridcodeRun(['score', '-i', '-'], '').stderr).toBe(gridcodeRun(['score', '-i', file('empty.pb', '')]).stderr.replace('empty.pb', 'standard input'));
  });

  it('refuses a CSV without --unit before reading (or copying) standard input or a .gz file', () => {
    // A corrupt gzip stream: copied first, it would fail as a bad input (status 1), not as the usage error.
    const corrupt = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const args of [['score', '-i', '-', '--format', 'wide-csv'], ['features', '-i', '-', '--format', 'long-csv'], ['score', '-i', file('meters.csv.gz', corrupt)]]) {
      const run = gridcodeRun(args, corrupt);
      expect(run.stderr, args.join(' ')).toContain('a CSV meter export needs --unit');
      expect(run.status, args.join(' ')).toBe(2);
    }
  });

  it('reads a gzip --previous file', () => {
    ok(['score', '-i', file('previous.json', jsonBatch(small)), '-o', 'response.json']);
    ok(['score', '-i', 'previous.json', '-o', 'response.pb']);
    const later = file('later.json', jsonBatch(consumers(12, 14).map((c, i) => (i === 1 ? { ...c, loadKw: curve(0, 14) } : c))));
    for (const response of ['response.json', 'response.pb']) {
      const plain = gridcodeRun(['score', '-i', later, '--previous', response]);
      expect(plain.status).toBe(0);
      expect(plain.stdout).toContain('"transitions"');
      const zipped = gridcodeRun(['score', '-i', later, '--previous', file(`${response}.gz`, gzipSync(readFileSync(join(dir, response))))]);
      expect(zipped.status).toBe(0);
      expect(zipped.stdout).toBe(plain.stdout.replace(`"previous":"${response}"`, `"previous":"${response}.gz"`));
      expect(zipped.stderr).toBe(plain.stderr.replace(`since ${response}:`, `since ${response}.gz:`));
    }
  });
});

describe('a large standard input', () => {
  /** About 30 MB of JSON: 2,000 consumers × 30 days × 96 readings. */
  let large: Buffer;
  let reference: string;
  beforeAll(() => {
    large = Buffer.from(jsonBatch(consumers(2000, 30)));
    expect(large.length).toBeGreaterThan(28e6);
    reference = ok(['score', '-i', file('large.json', large)]);
  });

  for (const zipped of [false, true]) {
    it(`is streamed to the temporary file as it comes${zipped ? ', decompressed' : ''}, and scored as the file`, async () => {
      const bytes = zipped ? gzipSync(large) : large;
      const child = spawn(process.execPath, [CLI, 'score', '-i', '-'], { cwd: dir, env: { ...process.env, TMPDIR: tmp } });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      const exit = once(child, 'exit');
      // Half the input, then wait until the copy has most of what it decompresses to: nothing waits for the end.
      const half = bytes.length >> 1;
      await write(child.stdin, bytes.subarray(0, half));
      const copied = await copySize((size) => size >= (zipped ? 0.4 : 0.45) * large.length);
      expect(copied).toBeLessThan(large.length);
      await write(child.stdin, bytes.subarray(half));
      child.stdin.end();
      const [code, signal] = (await exit) as [number | null, string | null];
      expect(Buffer.concat(err).toString()).toBe('');
      expect([code, signal]).toEqual([0, null]);
      expect(Buffer.concat(out).toString()).toBe(reference);
      expect(readdirSync(tmp)).toEqual([]);
    });
  }

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGQUIT'] as const) {
    it(`removes the temporary directory when ${signal} ends the copy, and ends by the signal`, async () => {
      const child = spawn(process.execPath, [CLI, 'features', '-i', '-'], { cwd: dir, env: { ...process.env, TMPDIR: tmp }, stdio: ['pipe', 'ignore', 'pipe'] });
      child.stdin.on('error', () => undefined); // EPIPE once it is gone
      const exit = once(child, 'exit');
      await write(child.stdin, large.subarray(0, 1 << 20));
      await copySize((size) => size > 0);
      child.kill(signal);
      const [code, received] = (await exit) as [number | null, string | null];
      expect([code, received]).toEqual([null, signal]);
      expect(readdirSync(tmp)).toEqual([]);
      child.stdin.destroy();
    });
  }
});

async function write(stream: NodeJS.WritableStream, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length; at += 1 << 20) {
    if (!stream.write(bytes.subarray(at, at + (1 << 20)))) await once(stream, 'drain');
  }
}

/** Polls the one temporary copy's size until `enough` (10 s at most), and returns it. */
async function copySize(enough: (size: number) => boolean): Promise<number> {
  const deadline = Date.now() + 10_000;
  let size = -1;
  while (Date.now() < deadline) {
    const dirs = readdirSync(tmp);
    if (dirs.length === 1) {
      expect(dirs[0]!.startsWith(SPOOL_PREFIX)).toBe(true);
      const copy = join(tmp, dirs[0]!, 'input');
      size = existsSync(copy) ? statSync(copy).size : -1;
      if (enough(size)) return size;
    }
    await sleep(20);
  }
  throw new Error(`the temporary copy did not grow enough in 10 s (${size} bytes; ${readdirSync(tmp).join(', ')})`);
}
