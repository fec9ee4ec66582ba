// The Dockerfile (no image can be built here; bench/tools/docker-steps.ts runs its
// steps for real, by hand): its install commands are the README's, its
// HEALTHCHECK command passes against the gateway's app and fails without it,
// it runs as a non-root user the gateway's own command, on the ports the
// gateway's settings give, and refuses to serve 0.0.0.0 without tokens.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../engine/src/package-root.js';
import { createApp } from '../../gateway/app.js';
import { ConfigError, resolveConfig } from '../../gateway/ops/config.js';
import { assignments, dockerignored, healthcheck, readDockerfile, stage, type Stage } from '../../lib/dockerfile.js';
import { fakeAuthenticate, fakeService } from '../support/gateway/fake-service.js';

const dockerfile = readDockerfile();
const build = stage(dockerfile, 'build');
const runtime = dockerfile.stages.at(-1)!;
const all = (s: Stage, keyword: string) => s.instructions.filter((i) => i.keyword === keyword);
const envOf = (s: Stage) => Object.fromEntries(all(s, 'ENV').flatMap((i) => assignments(i.args)));

/** The npm commands of a stage's RUN steps (split on &&), in order; cache cleaning is the image's own business. */
const npmCommands = (s: Stage) =>
  all(s, 'RUN')
    .flatMap((i) => i.args.split('&&').map((part) => part.trim()))
    .filter((command) => command.startsWith('npm ') && !command.startsWith('npm cache '));

/** The README's server install: the sh block right after "as the Dockerfile does it" (its Shutdown paragraph). */
function readmeInstallCommands(): string[] {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  const at = readme.indexOf('as the Dockerfile does it:');
  if (at < 0) throw new Error('the README no longer says how to install a server "as the Dockerfile does it:"');
  const block = /^```sh\n([\s\S]*?)```/.exec(readme.slice(at + 'as the Dockerfile does it:'.length).trimStart());
  if (!block) throw new Error('no sh block right after "as the Dockerfile does it:" in the README');
  return block[1]!
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
}

describe('Dockerfile', () => {
  it('builds with the README install command, then installs production dependencies with the README command', () => {
    const readme = readmeInstallCommands();
    expect(readme.length).toBe(2);
    expect(npmCommands(build)).toEqual([readme[0]]);
    expect(npmCommands(runtime)).toEqual([readme[1]]);
    // The runtime install runs no scripts: prepare would try to build without the dev dependencies.
    expect(readme[1]).toMatch(/--omit=dev/);
    expect(readme[1]).toMatch(/--ignore-scripts/);
  });

  it('the runtime stage takes the built output from the build stage, and what the gateway reads at run time', () => {
    const copied = all(runtime, 'COPY').flatMap((i) => {
      const parts = i.args.split(/\s+/);
      const from = parts[0]!.startsWith('--from=') ? `${parts.shift()!.slice('--from='.length)}:` : '';
      parts.pop();
      return parts.map((source) => from + source.replace(/^\/src\//, ''));
    });
    // dist/ (the code), build/ (engine.wasm), gen/ (protobuf code, descriptors): made by npm ci in the build stage.
    for (const built of ['build:dist', 'build:build', 'build:gen']) expect(copied).toContain(built);
    // package.json (type: module, #gen imports), asconfig.json (how the code finds its folder), rules/ (default rule sets).
    for (const source of ['package.json', 'package-lock.json', 'asconfig.json', 'rules']) expect(copied).toContain(source);
    const ignored = readFileSync(join(packageRoot, '.dockerignore'), 'utf8').split('\n');
    for (const output of ['node_modules', 'dist', 'build', 'gen']) expect(ignored, `${output} must be built in the image, not copied in`).toContain(output);
  });

  it('.dockerignore keeps local tokens out of the build context, and what the build needs in', () => {
    const isIgnored = dockerignored();
    for (const secret of ['secrets/tokens.yaml', 'tokens.yaml', 'metrics-tokens.yaml', 'deploy/kubernetes/tokens.yaml', 'deploy/kubernetes/metrics-tokens.yaml']) {
      expect(isIgnored(secret), secret).toBe(true);
    }
    for (const needed of ['package.json', 'rules/default.yaml', 'gateway/main.ts', 'gateway/ops/tenants.ts', 'deploy/kubernetes/tokens-secret.example.yaml']) {
      expect(isIgnored(needed), needed).toBe(false);
    }
  });

  it('runs the gateway as a non-root user, node as PID 1, with the command npm start runs', () => {
    const users = all(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users.at(-1)!.args);
    const cmd = all(runtime, 'CMD').at(-1)!.exec;
    expect(cmd).toBeDefined();
    const start = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start']!;
    expect(start.replace(/^exec /, '')).toBe(cmd!.join(' '));
    expect(all(runtime, 'ENTRYPOINT')).toEqual([]);
  });

  it('exposes the ports its environment gives the gateway, which refuses 0.0.0.0 without tokens', () => {
    const env = envOf(runtime);
    const tokens = { GRIDCODE_TOKENS_FILE: '/etc/gridcode/tokens.yaml', GRIDCODE_METRICS_TOKEN_FILE: '/etc/gridcode/metrics-tokens.yaml' };
    const config = resolveConfig({ env: { ...env, ...tokens }, cwd: '/app' });
    const exposed = all(runtime, 'EXPOSE').flatMap((i) => i.args.split(/\s+/).map(Number));
    expect(exposed.sort()).toEqual([config.port, config.grpcPort].sort());
    expect(() => resolveConfig({ env, cwd: '/app' })).toThrow(ConfigError);
    expect(env['GRIDCODE_COMMIT']).toBe('${GRIDCODE_COMMIT}');
    expect(all(runtime, 'ARG').map((i) => i.args.split('=')[0])).toContain('GRIDCODE_COMMIT');
  });

  describe('HEALTHCHECK', () => {
    let server: Server;
    let port = 0;
    beforeAll(async () => {
      const app = createApp({ service: fakeService().service, authenticate: fakeAuthenticate });
      server = createAdaptorServer({ fetch: app.fetch }) as Server;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    const check = healthcheck(runtime);
    const run = (env: Record<string, string>) => {
      // The image's `node` is this node; the command runs as the image would run it, with the image's environment.
      const argv = check.argv[0] === 'node' ? [process.execPath, ...check.argv.slice(1)] : [...check.argv];
      // Not spawnSync: the server answering it runs in this process.
      return new Promise<number | null>((resolve) => {
        const child = spawn(argv[0]!, argv.slice(1), { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: 'ignore', timeout: 10_000 });
        child.on('exit', (code) => resolve(code));
      });
    };

    it('is node (the image has no curl), and passes against the gateway app on the configured port', async () => {
      expect(check.argv[0]).toBe('node');
      expect(await run({ ...envOf(runtime), GRIDCODE_PORT: String(port) })).toBe(0);
      // PORT wins over GRIDCODE_PORT in the gateway's settings: in the check too.
      expect(await run({ ...envOf(runtime), PORT: String(port), GRIDCODE_PORT: '1' })).toBe(0);
    });

    it('fails when nothing serves /healthz there', async () => {
      const closed = createAdaptorServer({ fetch: () => new Response('no', { status: 404 }) }) as Server;
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const notFound = (closed.address() as AddressInfo).port;
      expect(await run({ GRIDCODE_PORT: String(notFound) })).toBe(1);
      await new Promise((resolve) => closed.close(resolve));
      expect(await run({ GRIDCODE_PORT: String(notFound) })).toBe(1);
    });
  });
});
