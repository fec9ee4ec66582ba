// Issue 6, SIGTERM under load: the compiled gateway, clients (@connectrpc/
// connect-node Connect over HTTP/1.1 and gRPC over h2c) sending batches
// without pause, and SIGTERM in the middle. /readyz must answer 503 while the
// server still serves (--drain-delay-ms), every request the server accepted
// must get its whole, decodable answer, the rest are refused (unavailable, or
// the connection refused) and never lost or cut, and the process exits 0.
// Needs the build (npm run build): without dist/ the run stops at once.
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadClients, tally, type LoadProtocol } from '../tests/support/gateway/load.js';
import { startGatewayProcess } from '../lib/gateway-process.js';

const CONSUMERS = 10;
const DRAIN_DELAY_MS = 1_500;
/** Sending loops per protocol. */
const LOOPS = 3;

interface Probe {
  /** When the answer came. */
  readonly at: number;
  readonly status: number | 'refused';
}

describe('SIGTERM under load', () => {
  it('turns not ready first, answers every accepted request whole, refuses the rest, and exits 0', async () => {
    const gw = await startGatewayProcess(['--workers', '1', '--drain-delay-ms', String(DRAIN_DELAY_MS), '--log-level', 'info']);
    onTestFinished(async () => {
      await gw.stop(1_000); // only if a failure left it running
    });
    const clients = loadClients(gw, CONSUMERS);
    let exited = false;
    const exit = gw.exit.then((code) => {
      exited = true;
      return code;
    });

    // Each answer is stamped with when it was sent, to place it against SIGTERM and the first 503.
    const sentAt = new Map<number, number>();
    let order = 0;
    const loop = async (protocol: LoadProtocol): Promise<void> => {
      while (!exited) {
        sentAt.set(order++, performance.now());
        const answer = await clients.send(protocol);
        if (answer.fate !== 'completed') await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const probes: Probe[] = [];
    const probe = async (): Promise<void> => {
      while (!exited) {
        // A new connection each time, as a load balancer's health check; stamped when answered.
        let status: Probe['status'];
        try {
          status = (await fetch(`${gw.base}/readyz`, { headers: { connection: 'close' } })).status;
        } catch {
          status = 'refused';
        }
        probes.push({ at: performance.now(), status });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const running = [...Array.from({ length: LOOPS }, () => [loop('connect'), loop('grpc')]).flat(), probe()];

    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const completedBefore = tally(clients.answers).completed;
    const sigterm = performance.now();
    gw.child.kill('SIGTERM');
    const status = await exit;
    await Promise.all(running);
    clients.close();

    const answers = clients.answers;
    const counts = tally(answers);
    const firstNotReady = probes.find((p) => p.status !== 200);
    const sentWhileNotReady = answers.filter((a) => a.fate === 'completed' && firstNotReady && sentAt.get(a.sent)! > firstNotReady.at);
    // Accepted: every request that reached the service has a log line, whatever its answer.
    const accepted = (gw.stderr().match(/"msg":"request".*"method":"ScoreBatch".*/g) ?? []).map((line) => /"code":"(\w+)"/.exec(line)?.[1]);
    const lost = accepted.length - counts.completed;
    console.log(
      `shutdown: sent ${counts.sent}, accepted ${accepted.length} (server log), completed ${counts.completed} (${completedBefore} before SIGTERM), ` +
        `refused ${counts.refused} (+${counts.unanswered} connections reset before any answer, never accepted), lost ${lost}; ` +
        `/readyz ${firstNotReady?.status} ${firstNotReady ? Math.round(firstNotReady.at - sigterm) : '?'} ms after SIGTERM, ` +
        `${sentWhileNotReady.length} requests sent after that still completed; exit ${status}`,
    );

    expect(status).toBe(0);
    expect(counts.lost, JSON.stringify(answers.filter((a) => a.fate === 'lost').slice(0, 3))).toBe(0);
    expect(completedBefore).toBeGreaterThan(0);
    // Every request the server accepted was answered ok and reached its client whole and decoded (load.ts checks
    // every result); so the connections reset before any answer (a connection still in the listen backlog when
    // the listener closed) carried none of them.
    expect(accepted.filter((code) => code !== 'ok')).toEqual([]);
    expect(lost).toBe(0);
    for (const protocol of ['connect', 'grpc'] as const) expect(answers.some((a) => a.protocol === protocol && a.fate === 'completed')).toBe(true);
    // Refused requests were told unavailable, their connection was refused, or their HTTP/2 stream (which the
    // server then never ran); never resource_exhausted.
    const refusedHow = answers.filter((a) => a.fate === 'refused').map((a) => (a.code === 'Unavailable' ? a.code : /REFUSED_STREAM/.test(a.detail) ? 'REFUSED_STREAM' : a.code));
    expect(refusedHow.filter((how) => how !== 'Unavailable' && how !== 'REFUSED_STREAM')).toEqual([]);
    // Readiness flipped first: /readyz said 503 while requests sent after it were still served.
    expect(firstNotReady?.status).toBe(503);
    expect(probes.filter((p) => p.at < sigterm).every((p) => p.status === 200)).toBe(true);
    expect(sentWhileNotReady.length).toBeGreaterThan(0);
    expect(gw.stderr()).toMatch(/"msg":"stopped"/);
  }, 60_000);
});
