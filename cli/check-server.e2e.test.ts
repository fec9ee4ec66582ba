// `gridcode check` and a real gateway agree (issue 15): the same warnings with
// the same codes and places over the CLI and over ValidateRuleSet (a grpc-js
// client), the same digest for a rule set that extends another (the gateway
// loads it from a directory where it is read before its base), and
// `check --server` says what the server would refuse: other content under an
// id@version it has loaded. Needs the build (npm run build).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { gridcode } from '#gen/scoring.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../engine/src/package-root.js';
import { startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';
import { cliWorkspace } from '../tests/support/cli.js';
import { populationConsumers } from '../tests/support/gateway/population.js';
import { requestJson } from '../lib/score-requests.js';
import { CLI } from '../lib/gateway-process.js';
import { spawn } from 'node:child_process';
import { marked, WARNING_CASES, whenSet } from '../tests/rules/error-cases.js';

const cli = cliWorkspace('gridcode-check-server-');
const DEFAULT = readFileSync(join(packageRoot, 'rules', 'default.yaml'), 'utf8');
const DEFAULT_REF = `default@${/^version: (.+)$/m.exec(DEFAULT)![1]}`;
const CITY = `id: city\nversion: "1"\nextends: ${DEFAULT_REF}\nthresholds: { yellow: 40, red: 70 }\nrules:\n  - id: factory-curve\n    when: corr_industrial_1shift > 0.8 and mean_kw > 4\n    score: 50\n`;

let gw: GatewayProcess;
let client: grpc.Client;

beforeAll(async () => {
  const rules = join(cli.dir(), 'served');
  mkdirSync(rules);
  copyFileSync(join(packageRoot, 'rules', 'default.yaml'), join(rules, 'default.yaml'));
  // city.yaml is read before default.yaml, its base.
  writeFileSync(join(rules, 'city.yaml'), CITY);
  gw = await startGatewayProcess(['--workers', '1', '--rules-dir', rules, '--log-level', 'warn']);
  client = new grpc.Client(gw.h2.replace('http://', ''), grpc.credentials.createInsecure());
}, 60_000);

afterAll(async () => {
  client?.close();
  if (gw) expect(await gw.stop(), gw.stderr().slice(-2000)).toBe(0);
}, 30_000);

function validate(source: string): Promise<gridcode.v1.ValidateRuleSetResponse> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      '/gridcode.v1.ScoringService/ValidateRuleSet',
      (bytes: Uint8Array) => Buffer.from(bytes),
      (bytes: Buffer) => gridcode.v1.ValidateRuleSetResponse.decode(bytes),
      gridcode.v1.ValidateRuleSetRequest.encode({ source }).finish(),
      new grpc.Metadata(),
      {},
      (error, response) => (error ? reject(error) : resolve(response!)),
    );
  });
}

/** `gridcode ...args` without blocking the event loop (the gateway's client shares it). */
function runAsync(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: cli.dir() });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout: out, stderr: err }));
  });
}

/** The warnings a case must give: its own at its span, then never_fires over the `when` when the rule cannot fire (after the warning that explains it); as [code, line, column]. */
function expected(k: (typeof WARNING_CASES)[number]): [string, number, number][] {
  const { source, span } = marked(whenSet(k.expr));
  const whenStart = source.indexOf('when: ') + 'when: '.length;
  const own: [string, number, number] = [k.code, 8, 11 + span.start - whenStart];
  return k.fires || k.code === 'never_fires' ? [own] : [own, ['never_fires', 8, 11]];
}

describe('warnings: check and ValidateRuleSet', () => {
  it.each(WARNING_CASES.map((k, i) => [i, k.expr, k] as const))('%i: %s', async (i, _, k) => {
    const { source } = marked(whenSet(k.expr));
    const path = cli.file(`case-${i}.yaml`, source);
    const run = cli.run('check', path);
    expect(run.status, run.stdout).toBe(0);
    const printed = [...run.stdout.matchAll(/:(\d+):(\d+): warning\[(\w+)\] \(rule r1\): (.*)/g)].map((m) => [m[3]!, Number(m[1]), Number(m[2])]);
    expect(printed).toEqual(expected(k));
    expect(run.stdout).toContain(`ok (id t@1, 1 rule, digest sha256:`);
    expect(run.stdout).toMatch(new RegExp(`, ${printed.length} warnings?\\)`));

    const answer = await validate(source);
    expect(answer.valid).toBe(true);
    expect(answer.errors).toEqual([]);
    expect(answer.warnings.map((w) => [w.code, w.line, w.column])).toEqual(expected(k));
    for (const w of answer.warnings) {
      expect(w.rule).toBe('r1');
      expect(w.message).toMatch(new RegExp(`^<draft>:${w.line}:${w.column}: warning\\[${w.code}\\]`));
      if (k.mentions && w.code === k.code) expect(w.message).toContain(k.mentions);
    }
  });

  it('the default rule set has no warning, over check and ValidateRuleSet', async () => {
    const run = cli.run('check', join(packageRoot, 'rules', 'default.yaml'));
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain('warning[');
    expect((await validate(DEFAULT)).warnings).toEqual([]);
  });
});

describe('extends and --server', () => {
  it('check and the server give the same digest to a rule set that extends the default', () => {
    const folder = join(cli.dir(), 'mine');
    mkdirSync(folder);
    copyFileSync(join(packageRoot, 'rules', 'default.yaml'), join(folder, 'default.yaml'));
    writeFileSync(join(folder, 'city.yaml'), CITY);
    const run = cli.run('check', join(folder, 'city.yaml'), '--server', gw.h2);
    expect(run.stdout).toContain(`the server ${gw.h2} has city@1 with this digest`);
    expect(run.stdout).toContain(`ok (id city@1, 1 rule, extends ${DEFAULT_REF}, digest sha256:`);
    expect(run.stdout + run.stderr).not.toContain('not compared with a server');
    expect(run.status).toBe(0);
    // The gateway read city.yaml before its base and still loaded it, without a failure on the way.
    expect(gw.stderr()).not.toContain('city.yaml not loaded');
  });

  it('ValidateRuleSet resolves `extends` among the loaded rule sets, and names an unknown base', async () => {
    expect((await validate(CITY.replace('id: city', 'id: town'))).valid).toBe(true);
    const unknown = await validate(CITY.replace(DEFAULT_REF, 'default@1999.1.1'));
    expect(unknown.valid).toBe(false);
    expect(unknown.errors.map((e) => [e.code, e.line, e.column])).toContainEqual(['bad_base', 3, 10]);
  });

  it('a file changed under an id@version the server has loaded: check --server refuses it as the server would', () => {
    const folder = join(cli.dir(), 'edited');
    mkdirSync(folder);
    copyFileSync(join(packageRoot, 'rules', 'default.yaml'), join(folder, 'default.yaml'));
    const path = join(folder, 'city.yaml');
    writeFileSync(path, CITY.replace('score: 50', 'score: 55'));
    const alone = cli.run('check', path);
    expect(alone.status).toBe(0);
    expect(alone.stderr).toContain('not compared with a server');
    const digest = /digest sha256:([0-9a-f]{64})/.exec(alone.stdout)![1]!;
    const served = /digest sha256:([0-9a-f]{64})/.exec(cli.run('check', join(cli.dir(), 'served', 'city.yaml')).stdout)![1]!;
    expect(digest).not.toBe(served);
    const run = cli.run('check', path, '--server', gw.h2);
    expect(run.stdout).toContain(`changed without a new version: the server ${gw.h2} has city@1 with digest sha256:${served}; this file's digest is sha256:${digest}: give it a new version`);
    expect(run.status).toBe(1);
    // The file unchanged, its base edited under the same version here: refused, and the base is named as the difference.
    writeFileSync(path, CITY);
    writeFileSync(join(folder, 'default.yaml'), `${DEFAULT}# edited here\n`);
    const base = cli.run('check', path, '--server', gw.h2);
    expect(base.status).toBe(1);
    expect(base.stdout).toMatch(new RegExp(`changed without a new version: .*; its base ${DEFAULT_REF.replace(/\./g, '\\.')} here \\(sha256:[0-9a-f]{64}\\) is not the server's`));
    copyFileSync(join(packageRoot, 'rules', 'default.yaml'), join(folder, 'default.yaml'));
    // A new version is new to the server, not a refusal.
    writeFileSync(path, CITY.replace('score: 50', 'score: 55').replace('version: "1"', 'version: "2"'));
    const bumped = cli.run('check', path, '--server', gw.h2);
    expect(bumped.stdout).toContain(`city@2 is new to the server ${gw.h2}; it has city at 1`);
    expect(bumped.status).toBe(0);
  });

  it('a new file is compared by its base too: refused when the server has that base id@version with other content, a note when it has not that base', () => {
    const folder = join(cli.dir(), 'new-on-edited-base');
    mkdirSync(folder);
    writeFileSync(join(folder, 'default.yaml'), `${DEFAULT}# edited here\n`);
    const path = join(folder, 'town.yaml');
    writeFileSync(path, CITY.replace('id: city', 'id: town'));
    const edited = cli.run('check', path, '--server', gw.h2);
    expect(edited.stdout).toContain(`error: the server ${gw.h2} would compile town@1 against its own base`);
    expect(edited.status).toBe(1);
    // The base under a version the server does not have: the file passes, with what to deploy.
    const bumped = DEFAULT.replace(/^version: .+$/m, 'version: 2099.1.1');
    writeFileSync(join(folder, 'default.yaml'), bumped);
    writeFileSync(path, CITY.replace('id: city', 'id: town').replace(DEFAULT_REF, 'default@2099.1.1'));
    const absent = cli.run('check', path, '--server', gw.h2);
    expect(absent.stdout).toContain('does not list its base default@2099.1.1');
    expect(absent.status).toBe(0);
  });

  it('a rule set that extends the default scores the same on the server (its workers) and here, under the digest check gives', async () => {
    const batch = cli.file('batch.json', requestJson({ startDate: '2026-03-02', ruleSet: 'city' }, populationConsumers(0, 60, { days: 14, seed: 3, startWeekday: 0, prefix: 'x' })));
    const served = join(cli.dir(), 'served');
    const remote = await runAsync(['score', '--input', batch, '--server', gw.h2]);
    const local = cli.run('score', '--input', batch, '--rules-dir', served);
    const file = cli.run('score', '--input', batch, '--rule-set', join(served, 'city.yaml'));
    expect([remote.status, local.status, file.status], remote.stderr + local.stderr + file.stderr).toEqual([0, 0, 0]);
    const [there, here, fromFile] = [JSON.parse(remote.stdout), JSON.parse(local.stdout), JSON.parse(file.stdout)];
    const digest = /digest sha256:([0-9a-f]{64})/.exec(cli.run('check', join(served, 'city.yaml')).stdout)![1]!;
    for (const response of [there, here, fromFile]) {
      expect(response.ruleSet).toBe('city@1');
      expect(response.ruleSetDigest).toBe(digest);
    }
    expect(there.results).toEqual(here.results);
    expect(fromFile.results).toEqual(here.results);
    expect(here.results.length).toBeGreaterThan(0);
  });

  it('a server that cannot be asked fails the check with a clear message', () => {
    const run = cli.run('check', join(packageRoot, 'rules', 'default.yaml'), '--server', 'http://127.0.0.1:9');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/cannot ask http:\/\/127\.0\.0\.1:9 for its rule sets: .*gRPC port/);
    expect(cli.run('check', 'x.yaml', '--token', 't').status).toBe(2);
  });
});
