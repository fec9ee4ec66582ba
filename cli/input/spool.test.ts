// The temporary copy's bounds: GRIDCODE_SPOOL_MAX_BYTES and the free space
// kept on the temporary directory's file system. Unit runs of Spool, and one
// run of the built command line with the variable set on standard input.
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../tests/support/cli.js';
import { CommandError, InputError } from '../errors.js';
import { MIN_FREE_BYTES, Spool, spoolLimits } from './spool.js';

/** Fills a spool with `chunks`; the copy is removed afterwards whatever happened. */
async function fill(chunks: Buffer[], limits: ReturnType<typeof spoolLimits>, gunzip = false): Promise<{ error?: Error; bytes?: number }> {
  const spool = new Spool('-', 'stdin.csv', limits);
  try {
    await spool.fill(Readable.from(chunks), gunzip);
    return { bytes: readFileSync(spool.path).length };
  } catch (error) {
    return { error: error as Error };
  } finally {
    spool.remove();
    expect(existsSync(spool.dir)).toBe(false);
  }
}

describe('the temporary copy', () => {
  it('stops with an InputError past GRIDCODE_SPOOL_MAX_BYTES, naming the size reached and both ways out', async () => {
    const limits = spoolLimits({ GRIDCODE_SPOOL_MAX_BYTES: '1000' });
    expect(limits).toEqual({ maxBytes: 1000, minFreeBytes: MIN_FREE_BYTES });
    const { error } = await fill([Buffer.alloc(600, 65), Buffer.alloc(600, 66)], limits);
    expect(error).toBeInstanceOf(InputError);
    expect(error!.message).toBe(`the temporary copy in ${tmpdir()} reached 600 bytes and would pass GRIDCODE_SPOOL_MAX_BYTES (1000 bytes): give the input as a file by name (uncompressed, it is read in place), or set TMPDIR to a directory with more room`);
    // Up to the cap, the copy is whole; the cap counts decompressed bytes.
    expect((await fill([Buffer.alloc(600), Buffer.alloc(400)], limits)).bytes).toBe(1000);
    expect((await fill([gzipSync(Buffer.alloc(1001))], limits, true)).error).toBeInstanceOf(InputError);
  });

  it('stops when it would leave less than the free space kept on the file system', async () => {
    const fs = statfsSync(tmpdir());
    const free = fs.bavail * fs.bsize;
    // More than the file system's free space asked to stay free: the first chunk stops.
    const { error } = await fill([Buffer.alloc(10)], { maxBytes: Infinity, minFreeBytes: free + 1024 ** 3 });
    expect(error).toBeInstanceOf(InputError);
    expect(error!.message).toMatch(/reached 0 bytes and would leave less than [\d.]+ GiB free there \([\d.]+ [GMK]i?B|bytes free\)/);
  });

  it('refuses a GRIDCODE_SPOOL_MAX_BYTES that is not a number of bytes', () => {
    expect(() => spoolLimits({ GRIDCODE_SPOOL_MAX_BYTES: '1G' })).toThrow(CommandError);
    expect(spoolLimits({}).maxBytes).toBe(Infinity);
  });

  it('bounds standard input in the command line, which fails with status 1 and the message', () => {
    const rows = Array.from({ length: 200 }, (_, i) => `2026-01-01 ${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},1`);
    const run = runCli(tmpdir(), ['features', '--input', '-', '--format', 'wide-csv', '--unit', 'kw'], { input: `time,a\n${rows.join('\n')}\n`, env: { GRIDCODE_SPOOL_MAX_BYTES: '100' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^gridcode: standard input: the temporary copy in .* reached 0 bytes and would pass GRIDCODE_SPOOL_MAX_BYTES \(100 bytes\)/);
  });
});
