// Issue 16, replicas behind a real load balancer: three built gateways behind
// HAProxy (bench/replicas/), one rule-set folder laid out as a Kubernetes
// ConfigMap volume shared by all three. Under continuous load (Connect and
// gRPC-Web over HTTP/1.1 with connect-node, gRPC ScoreBatch and ScoreStream
// over h2c with @grpc/grpc-js), one replica is SIGKILLed, another SIGTERMed
// (it drains: HAProxy takes it out through /readyz), replacements start in
// both slots. Every client retries as the README says; no request may be lost:
// each is answered in the end with the same answer a replica gives directly.
// A failed attempt is either refused with a code the README says to retry, or
// cut with no status at all, and only by the SIGKILL: HAProxy marks the
// draining replica DOWN within its drainDelayMs, and no attempt is refused or
// cut after the SIGTERM (failoverProblems, shared with `npm run replicas`;
// docs/operations/replicas.md). Then a ConfigMap update: every replica serves
// the same new id@version and digest.
// Needs the build (npm run build) and haproxy (apt-get install haproxy; .ci/run does).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../engine/src/package-root.js';
import { replicaBatch } from '../../bench/replicas/batch.js';
import { directAnswer, PROTOCOLS, replicaClients } from '../../bench/replicas/clients.js';
import { findHaproxy, startCluster, type Cluster } from '../../bench/replicas/cluster.js';
import { countsTable, failoverEvents, failoverProblems, runFailover } from '../../bench/replicas/failover.js';
import { servedRuleSets, untilAllServe } from '../../bench/replicas/rule-sets.js';
import { configMapVolume, type ConfigMapVolume } from '../support/configmap-volume.js';

const haproxy = findHaproxy();
if (!haproxy) console.warn('\n*** replicas.overload.test.ts SKIPPED: haproxy is not installed (apt-get install haproxy; .ci/run installs it) ***\n');

const DEFAULT_SOURCE = readFileSync(join(packageRoot, 'rules', 'default.yaml'), 'utf8');
const VERSION = /^version:\s*(\S+)\s*$/m.exec(DEFAULT_SOURCE)![1]!;
const NEXT_VERSION = `${VERSION}-replicas`;

let cluster: Cluster;
let rulesDir: string;
let volume: ConfigMapVolume;

beforeAll(async () => {
  if (!haproxy) return;
  rulesDir = mkdtempSync(join(tmpdir(), 'gridcode-replicas-rules-'));
  volume = configMapVolume(rulesDir);
  volume.write({ 'default.yaml': DEFAULT_SOURCE });
  cluster = await startCluster({ replicas: 3, haproxy, gatewayArgs: ['--workers', '1', '--log-level', 'warn', '--rules-dir', rulesDir] });
}, 60_000);

afterAll(async () => {
  if (cluster) expect(await cluster.stop()).toEqual([0, 0, 0]);
  if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
}, 30_000);

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const bases = () => cluster.replicas.map((r) => r.base);

describe.skipIf(!haproxy)('three replicas behind HAProxy', () => {
  it('loses no request through a SIGKILL, a drain and two replacements: every refusal is retryable and the retry is answered', async () => {
    const before = await Promise.all(bases().map(servedRuleSets));
    expect(before[0]).toHaveLength(1);
    expect(before[0]![0]).toMatch(new RegExp(`^default@${VERSION.replace(/\./g, '\\.')} [0-9a-f]{64}$`));
    for (const list of before) expect(list).toEqual(before[0]);

    const batch = replicaBatch(3);
    // The answer every request must get: one replica's, directly; it is the same from each, and is what the
    // default rule set decides for the known consumers (lib/score-requests.ts): the workshop RED, the meter with no readings GRAY.
    const expected = await directAnswer(cluster.replicas[0]!.base, batch);
    for (const r of cluster.replicas.slice(1)) expect(await directAnswer(r.base, batch)).toBe(expected);
    expect(expected).toContain('known-workshop-in-housing-0:3:');
    expect(expected).toContain('known-no-readings-2:4:');
    expect(expected.split(',')).toHaveLength(batch.consumers.length);

    const clients = replicaClients(cluster, batch, expected);
    const plan = { loops: 2, stepMs: 2_000, killSlot: 0, drainSlot: 1 };
    const run = await runFailover(cluster, clients, plan, (line) => console.log(`replicas: ${line}`));
    clients.close();
    console.log(`replicas: 3 gateways (1 worker each), HAProxy 2.6, drainDelayMs ${cluster.drainDelayMs}, batches of ${batch.consumers.length} consumers\n${countsTable(run.counts).join('\n')}`);
    for (const p of PROTOCOLS) for (const f of run.counts[p].failures) console.log(`replicas: failed attempt at ${((f.at - run.started) / 1000).toFixed(2)} s, ${p}: ${f.cut ? 'cut' : 'refused'} ${f.code}: ${f.message}`);

    // Nothing lost, every refusal retryable, and the drain invisible: HAProxy took the replica out within
    // drainDelayMs of its SIGTERM (time to DOWN measured on its stats page) and no attempt was refused or cut after it.
    expect(failoverProblems(run, plan, cluster.drainDelayMs)).toEqual([]);
    expect(run.downAfterMs).toBeLessThanOrEqual(cluster.drainDelayMs);
    for (const p of PROTOCOLS) expect(run.counts[p].answered, p).toBeGreaterThan(0);
    // The kill and the drain fell in the middle of the load: answers before the kill, and after both replacements.
    const names = failoverEvents(plan);
    const total = (at: string) => run.answeredAt[at]!;
    expect(total(names.kill)).toBeGreaterThan(0);
    expect(total(names.stopped)).toBeGreaterThan(total(names.replaced));
  }, 60_000);

  it('serves the same id@version and digest on every replica before and after a ConfigMap update', async () => {
    const before = await Promise.all(bases().map(servedRuleSets));
    for (const list of before) expect(list).toEqual(before[0]);
    const updated = DEFAULT_SOURCE.replace(/^version:.*$/m, `version: ${NEXT_VERSION}`);
    volume.write({ 'default.yaml': updated });
    const after = await untilAllServe(bases(), (lines) => lines.length === 1 && lines[0]!.startsWith(`default@${NEXT_VERSION} `));
    for (const list of after) expect(list).toEqual(after[0]);
    // Each digest is the sha256 of the file's bytes (rules.md; default.yaml extends nothing): the old one, then the new one.
    expect(before[0]![0]!.split(' ')[1]).toBe(sha256(DEFAULT_SOURCE));
    expect(after[0]![0]!.split(' ')[1]).toBe(sha256(updated));
  }, 30_000);
});
