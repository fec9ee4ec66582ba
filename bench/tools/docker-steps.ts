// `npm run docker-steps`: the Dockerfile's steps, as written, on this machine
// (no image can be built here): copies the build context (the working tree
// minus .dockerignore, uncommitted files included, as `docker build .` would
// send it) to a temporary folder, runs each stage's WORKDIR, COPY, ENV and
// RUN there (each stage in its own folder standing for its filesystem), then
// starts the final stage's CMD as a non-root user (nobody, standing for the
// image's USER) with a tokens file as the Kubernetes Secret gives it, runs
// the HEALTHCHECK command, scores nothing, and stops it with SIGTERM.
// Prints each step's time. Minutes (two npm ci): not part of npm test.
// Usage: node dist/bench/tools/docker-steps.js [--keep]
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { packageRoot } from '../../engine/src/package-root.js';
import { hashToken } from '../../gateway/ops/tenants.js';
import { assignments, dockerignored, healthcheck, readDockerfile, substitute, type Stage } from '../../lib/dockerfile.js';
import { freePorts } from '../../lib/free-ports.js';

const keep = process.argv.includes('--keep');
const started = performance.now();
const log = (message: string) => process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);

/** The user the image's USER stands for here: nobody, when we may switch (root); else ourselves, said aloud. */
function asUser(argv: readonly string[]): string[] {
  if (process.getuid?.() !== 0) {
    log('not root: the service runs as the current user, not as a non-root one');
    return [...argv];
  }
  return ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', ...argv];
}

const root = mkdtempSync(join(tmpdir(), 'gridcode-docker-steps-'));
chmodSync(root, 0o755);
process.on('exit', () => {
  if (!keep) rmSync(root, { recursive: true, force: true });
});
const context = join(root, 'context');
const isIgnored = dockerignored();
cpSync(packageRoot, context, { recursive: true, filter: (source) => source === packageRoot || !isIgnored(relative(packageRoot, source)) });
log(`build context copied to ${context} (working tree minus .dockerignore)`);

// The Dockerfile itself is not in the context (.dockerignore): docker build reads it apart, as here.
const dockerfile = readDockerfile();
const fsOf = (name: string) => join(root, 'stages', name);
let last: { stage: Stage; workdir: string; env: Record<string, string>; user: string | undefined } | undefined;
for (const stage of dockerfile.stages) {
  const values: Record<string, string> = { ...dockerfile.globalArgs };
  const env: Record<string, string> = {};
  let workdir = fsOf(stage.name);
  let user: string | undefined;
  mkdirSync(workdir, { recursive: true });
  log(`stage ${stage.name} (FROM ${stage.from}: this machine's node ${process.version} stands for it)`);
  for (const { keyword, args, exec } of stage.instructions) {
    const text = substitute(args, values);
    if (keyword === 'ARG' || keyword === 'ENV') {
      for (const [name, value] of assignments(text)) {
        values[name] = value;
        if (keyword === 'ENV') env[name] = value;
      }
    } else if (keyword === 'WORKDIR') {
      workdir = join(fsOf(stage.name), text);
      mkdirSync(workdir, { recursive: true });
    } else if (keyword === 'COPY') {
      const parts = text.split(/\s+/);
      const from = parts[0]!.startsWith('--from=') ? fsOf(parts.shift()!.slice('--from='.length)) : context;
      const dest = join(workdir, parts.pop()!);
      for (const source of parts) cpSync(join(from, source), parts.length > 1 || dest.endsWith('/') ? join(dest, basename(source)) : dest, { recursive: true });
    } else if (keyword === 'RUN') {
      const t0 = performance.now();
      // npm's cache per stage, as each image stage has its own: a RUN `npm cache clean` must not empty this
      // machine's ~/.npm. Kept between runs (under ~/.cache), so that a second run does not download it all again.
      const npmCache = join(homedir(), '.cache', 'gridcode-docker-steps', stage.name, 'npm');
      const run = spawnSync('sh', ['-c', exec ? exec.join(' ') : text], { cwd: workdir, stdio: 'inherit', env: { ...process.env, npm_config_cache: npmCache, ...env } });
      if (run.status !== 0) throw new Error(`RUN ${text} failed (status ${run.status}) in ${workdir}`);
      log(`RUN ${text}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } else if (keyword === 'USER') user = text;
    else if (!['EXPOSE', 'HEALTHCHECK', 'CMD', 'LABEL'].includes(keyword)) throw new Error(`docker-steps does not know ${keyword}`);
  }
  last = { stage, workdir, env, user };
}

const { stage, workdir, env, user } = last!;
const cmd = stage.instructions.findLast((i) => i.keyword === 'CMD')?.exec;
if (!cmd) throw new Error('the last stage has no exec-form CMD');
const token = `docker-steps-${process.pid}`;
const tokensFile = join(root, 'tokens.yaml');
writeFileSync(tokensFile, `tenants:\n  - id: docker-steps\n    tokens: ["${hashToken(token)}"]\n    rule_sets: "*"\n`);
const metricsTokenFile = join(root, 'metrics-tokens.yaml');
writeFileSync(metricsTokenFile, `tokens: ["${hashToken(`${token}-metrics`)}"]\n`);
// What `docker run -e …` would add: free ports (8080 may be taken here) and the Secret's token files.
const [httpPort, grpcPort] = await freePorts(2);
const runEnv = { ...env, PATH: process.env['PATH'] ?? '/usr/bin:/bin', GRIDCODE_PORT: String(httpPort), GRIDCODE_GRPC_PORT: String(grpcPort), GRIDCODE_TOKENS_FILE: tokensFile, GRIDCODE_METRICS_TOKEN_FILE: metricsTokenFile };
log(`CMD ${JSON.stringify(cmd)} as ${user ?? 'root'} (here: ${process.getuid?.() === 0 ? 'nobody' : 'the current user'}) in ${workdir}`);
const server = spawn(asUser(cmd)[0]!, asUser(cmd).slice(1), { cwd: workdir, env: runEnv, stdio: ['ignore', 'pipe', 'pipe'] });
let stderr = '';
server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
const exit = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
const ready = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('\n')) resolve(out.split('\n')[0]!);
  });
  void exit.then((code) => reject(new Error(`the service exited ${code} before it was ready:\n${stderr}`)));
});
log(ready);

const check = healthcheck(stage);
const health = spawnSync(asUser(check.argv)[0]!, asUser(check.argv).slice(1), { cwd: workdir, env: runEnv, encoding: 'utf8', timeout: 10_000 });
log(`HEALTHCHECK ${JSON.stringify(check.argv)}: exit ${health.status}`);
const scored = await fetch(`http://127.0.0.1:${runEnv.GRIDCODE_PORT}/gridcode.v1.ScoringService/ListRuleSets`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: '{}',
});
log(`ListRuleSets with the token: HTTP ${scored.status} ${(await scored.text()).slice(0, 80)}`);
server.kill('SIGTERM');
const status = await exit;
log(`SIGTERM: exit ${status}`);
if (keep) log(`kept ${root}`);
const ok = health.status === 0 && scored.status === 200 && status === 0;
log(ok ? 'docker-steps: ok' : 'docker-steps: FAILED');
process.exitCode = ok ? 0 : 1;

