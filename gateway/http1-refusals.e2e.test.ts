// Many large concurrent uploads over HTTP/1.1 to a full server: every one is
// answered (200, or 429 resource_exhausted with Retry-After), none is reset.
// Before, the server answered a refused upload at once and closed while the
// client still sent; the TCP reset destroyed the 429 in flight, and about one
// run in three ended 1–5 of some 470 uploads in ECONNRESET or EPIPE with no
// answer (protocols/unread-body.ts). Each upload on its own connection, as
// `Connection: close` clients and load balancers send them, from a client
// whose thread is busy for a moment (the answer waits unread in its kernel
// when the reset would come). Needs the build (npm run build): without dist/ the run stops at once.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchBytes } from '../tests/support/gateway/load.js';
import { startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';

const UPLOADS = 24;
/** How long the client's thread is busy elsewhere after it starts the uploads, as a loaded upstream platform's is. */
const CLIENT_BUSY_MS = 800;
const CONSUMERS = 5_000; // about 58 MB a body
let gw: GatewayProcess;
let body: Buffer;

beforeAll(async () => {
  body = Buffer.from(batchBytes(CONSUMERS));
  // The defaults (128 MiB bodies, a 256 MiB byte budget: room for four of these at once), as the failure was first seen.
  gw = await startGatewayProcess(['--workers', '2', '--log-level', 'warn']);
}, 60_000);

afterAll(async () => {
  if (gw) expect(await gw.stop()).toBe(0);
});

/** One upload on a new connection: the HTTP status and code, or the socket error that ended it. */
function upload(): Promise<string> {
  const url = new URL(gw.base);
  return new Promise((resolve) => {
    const req = request(
      { host: url.hostname, port: url.port, method: 'POST', path: '/gridcode.v1.ScoringService/ScoreBatch', agent: false, headers: { 'content-type': 'application/proto', 'content-length': body.byteLength } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error: NodeJS.ErrnoException) => resolve(`reset while reading the answer (${error.code})`));
        res.on('end', () => {
          if (res.statusCode === 200) return resolve('200');
          const { code } = JSON.parse(Buffer.concat(chunks).toString()) as { code: string };
          resolve(`${res.statusCode} ${code} retry-after ${res.headers['retry-after']}`);
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve(`no answer (${error.code})`));
    req.end(body);
  });
}

describe('large concurrent uploads to a full server over HTTP/1.1', () => {
  it('answers every upload, 200 or a refusal with its code; none is reset', async () => {
    const uploads = Array.from({ length: UPLOADS }, upload);
    // Meanwhile the kernel goes on sending what the client queued, and takes in what comes back, unread:
    // a reset that arrives now would destroy an answer before the client ever sees it.
    await new Promise((resolve) => setTimeout(resolve, 30)); // connected, headers and the first bytes sent
    const busyUntil = Date.now() + CLIENT_BUSY_MS;
    while (Date.now() < busyUntil);
    const outcomes = await Promise.all(uploads);
    const counts: Record<string, number> = {};
    for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
    console.log(`http1-refusals: ${UPLOADS} uploads of ${body.byteLength} bytes:`, counts);
    expect(Object.keys(counts).sort()).toEqual(['200', '429 resource_exhausted retry-after 1'].filter((k) => counts[k]));
    expect(counts['200']).toBeGreaterThan(0);
    expect(counts['429 resource_exhausted retry-after 1']).toBeGreaterThan(0);
  }, 120_000);
});
