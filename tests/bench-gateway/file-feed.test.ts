// bench:city --input: the requests read from a file carry exactly the file's
// consumers, in order, at most --batch a request, cycled up to --consumers,
// with the file's calendar; --pool-bytes cuts the file at a whole request.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { fileFeed, readRequests } from '../../bench/city/file-feed.js';
import { openBatch } from '../../cli/open-batch.js';

const dir = mkdtempSync(join(tmpdir(), 'gridcode-file-feed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A ScoreBatchRequest file of `n` consumers (one day of 24 readings each), and its ids. */
function batchFile(n: number, name: string): string[] {
  const ids = Array.from({ length: n }, (_, i) => `m-${i}`);
  const bytes = gridcode.v1.ScoreBatchRequest.encode({
    startDate: '2024-03-04',
    pointsPerDay: 24,
    consumers: ids.map((id, i) => ({ id, loadKw: Array.from({ length: 24 }, (_, s) => (i + s) % 7) })),
  }).finish();
  writeFileSync(join(dir, name), bytes);
  return ids;
}

async function drain(feed: ReturnType<typeof fileFeed>): Promise<gridcode.v1.ScoreBatchRequest[]> {
  const out: gridcode.v1.ScoreBatchRequest[] = [];
  for (let batch = await feed.next(); batch; batch = await feed.next()) {
    const request = gridcode.v1.ScoreBatchRequest.decode(batch.bytes);
    expect(request.consumers.length).toBe(batch.count);
    out.push(request);
  }
  return out;
}

describe('bench:city file feed', () => {
  it('sends the file’s consumers in order, cycled up to the total, at most --batch a request', async () => {
    let file = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 130 }), async (n, batch, total) => {
        const name = `b${file++}.pb`;
        const ids = batchFile(n, name);
        const opened = openBatch(join(dir, name));
        try {
          const read = readRequests(opened, batch, 2 ** 30);
          expect(read.consumers).toBe(n);
          const requests = await drain(fileFeed(read, total, name, () => undefined));
          const sent = requests.flatMap((r) => r.consumers.map((c) => c.id));
          expect(sent).toEqual(Array.from({ length: total }, (_, i) => ids[i % n]));
          for (const r of requests) {
            expect(r.consumers.length).toBeLessThanOrEqual(batch);
            expect([r.startDate, r.pointsPerDay]).toEqual(['2024-03-04', 24]);
          }
        } finally {
          opened.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('holds at most --pool-bytes of requests, cut at a whole request', () => {
    const ids = batchFile(50, 'cap.pb');
    const opened = openBatch(join(dir, 'cap.pb'));
    try {
      const all = readRequests(opened, 10, 2 ** 30);
      const twoRequests = all.requests[0]!.bytes.length + all.requests[1]!.bytes.length;
      const capped = readRequests(opened, 10, twoRequests + 1);
      expect(capped.requests.length).toBe(2);
      expect(capped.consumers).toBe(20);
      expect(capped.fileConsumers).toBe(ids.length);
    } finally {
      opened.close();
    }
  });
});
