// `npm run replicas -- [options]`: N built gateways behind HAProxy on this
// machine (needs `npm run build` and haproxy). First the balancer's cost
// (balancer-cost.ts), then the failover run (failover.ts): load on Connect,
// gRPC-Web, gRPC and ScoreStream while one replica is SIGKILLed and another
// drained, with replacements; the counts per protocol and the time HAProxy
// took to take the draining replica out. Exit 1 on any of failoverProblems
// (a request lost, a refusal not to retry, the drain seen by a client, DOWN
// later than drainDelayMs), replicas serving different rule sets, a failed
// cost turn, or a replica exiting non-zero. docs/operations/replicas.md.
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { replicaBatch } from './batch.js';
import { costTable, measureCost } from './balancer-cost.js';
import { directAnswer, PROTOCOLS, replicaClients } from './clients.js';
import { startBalancer, startCluster, type Balancer } from './cluster.js';
import { countsTable, failoverProblems, runFailover } from './failover.js';
import { intOption } from '../gateway/target-args.js';
import { servedRuleSets } from './rule-sets.js';

const USAGE = `usage: npm run replicas -- [options]
  --replicas N       gateways behind HAProxy (default 3; the failover run needs 3 or more)
  --workers W        scoring workers per gateway (default 1)
  --copies C         the batch: C copies of the 8 known consumers, 30 days x 96 (default 3: 24 consumers)
  --rules-dir DIR    rule-set folder of every replica (default: the package's rules/)
  --loops L          failover: sending loops per protocol (default 2)
  --step-ms MS       failover: load between the kill, the drain and after the replacements (default 2000)
  --concurrency C    cost: requests in flight (default 4)
  --turn-ms MS       cost: length of one target's turn (default 2000)
  --rounds R         cost: turns per target and protocol (default 3)
  --no-cost          skip the cost measurement
  --no-failover      skip the failover run
  --print-config     print the haproxy.cfg written
  --log-haproxy      HAProxy logs each request on stderr (printed at the end)`;

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      replicas: { type: 'string' },
      workers: { type: 'string' },
      copies: { type: 'string' },
      'rules-dir': { type: 'string' },
      loops: { type: 'string' },
      'step-ms': { type: 'string' },
      concurrency: { type: 'string' },
      'turn-ms': { type: 'string' },
      rounds: { type: 'string' },
      'no-cost': { type: 'boolean' },
      'no-failover': { type: 'boolean' },
      'print-config': { type: 'boolean' },
      'log-haproxy': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const replicas = intOption('replicas', values.replicas, 3, 1, 64);
  const workers = intOption('workers', values.workers, 1, 1, 256);
  const batch = replicaBatch(intOption('copies', values.copies, 3, 1, 10_000));
  const failover = !values['no-failover'];
  if (failover && replicas < 3) throw new Error(`--replicas ${replicas}: the failover run kills one replica and drains another, so it needs 3 or more (or --no-failover)`);
  const log = (line: string) => console.log(line);
  const gatewayArgs = ['--workers', String(workers), '--log-level', 'warn', ...(values['rules-dir'] ? ['--rules-dir', values['rules-dir']] : [])];

  log(`replicas: ${replicas} gateways x ${workers} worker(s), HAProxy, batch of ${batch.consumers.length} consumers (${batch.bytes.byteLength} B); ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})`);
  const cluster = await startCluster({ replicas, gatewayArgs, log: values['log-haproxy'] ?? false });
  let single: Balancer | undefined;
  // Ctrl-C or a timeout's SIGTERM: take the gateways and HAProxy down too, not leave them running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cluster.abort();
      single?.abort();
      console.error(`replicas: ${signal}, stopped everything`);
      process.exit(130);
    });
  }
  let bad = false;
  try {
    if (values['print-config']) log(cluster.balancer.config);
    log(`HAProxy: HTTP/1.1 ${cluster.base}, h2c ${cluster.h2}; drainDelayMs ${cluster.drainDelayMs}`);
    const lists = await Promise.all(cluster.replicas.map((r) => servedRuleSets(r.base)));
    const same = lists.every((l) => JSON.stringify(l) === JSON.stringify(lists[0]));
    log(`rule sets: ${same ? `every replica serves ${lists[0]!.join(', ')}` : `replicas DIFFER: ${JSON.stringify(lists)}`}`);
    bad ||= !same;
    const expected = await directAnswer(cluster.replicas[0]!.base, batch);

    if (!values['no-cost']) {
      const plan = { concurrency: intOption('concurrency', values.concurrency, 4, 1, 1024), turnMs: intOption('turn-ms', values['turn-ms'], 2000, 100, 600_000), rounds: intOption('rounds', values.rounds, 3, 1, 100) };
      single = await startBalancer([cluster.ports[0]!]);
      try {
        log(`\nbalancer cost: ${plan.concurrency} requests in flight, ${plan.rounds} turns of ${plan.turnMs} ms per target and protocol, targets taking turns`);
        const rows = await measureCost(
          [
            { name: 'direct to replica 0', base: cluster.replicas[0]!.base, h2: cluster.replicas[0]!.h2 },
            { name: 'HAProxy -> replica 0 only', base: single.base, h2: single.h2 },
            { name: `HAProxy -> ${replicas} replicas`, base: cluster.base, h2: cluster.h2 },
          ],
          batch.bytes,
          plan,
          (line) => log(`  ${line}`),
        );
        for (const line of costTable(rows)) log(line);
        for (const row of rows) for (const reason of row.reasons) log(`  failed (${row.protocol}, ${row.target}): ${reason}`);
        bad ||= rows.some((r) => r.failed > 0);
      } finally {
        await single.stop();
      }
    }

    if (failover) {
      const plan = { loops: intOption('loops', values.loops, 2, 1, 64), stepMs: intOption('step-ms', values['step-ms'], 2000, 100, 600_000), killSlot: 0, drainSlot: 1 };
      log(`\nfailover: ${plan.loops} loop(s) per protocol (${PROTOCOLS.join(', ')}), every client retrying as the README says`);
      const clients = replicaClients(cluster, batch, expected);
      const run = await runFailover(cluster, clients, plan, (line) => log(`  ${line}`));
      clients.close();
      for (const line of countsTable(run.counts)) log(line);
      for (const protocol of PROTOCOLS) {
        for (const f of run.counts[protocol].failures) log(`  failed attempt at ${((f.at - run.started) / 1000).toFixed(2)} s, ${protocol}: ${f.cut ? 'cut, no status' : 'refused'} ${f.code}: ${f.message}`);
        for (const loss of run.counts[protocol].losses) log(`  LOST (${protocol}): ${loss}`);
      }
      const problems = failoverProblems(run, plan, cluster.drainDelayMs);
      for (const problem of problems) log(`  BAD: ${problem}`);
      bad ||= problems.length > 0;
    }
  } finally {
    const statuses = await cluster.stop();
    if (values['log-haproxy']) console.error(cluster.balancer.stderr());
    log(`stopped: replicas exited ${statuses.join(', ')}`);
    bad ||= statuses.some((s) => s !== 0);
  }
  return bad ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`replicas: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
