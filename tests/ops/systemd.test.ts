// deploy/systemd/gridcode.service: `systemd-analyze verify` when this machine
// has it (it needs no running systemd; skipped with a message otherwise), and
// the keys that matter checked against the gateway: node runs the gateway's
// entry itself, SIGTERM is the stop signal and systemd waits longer than the
// gateway's shutdown timeout, reload is SIGHUP, and it is not root.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../engine/src/package-root.js';
import { resolveConfig } from '../../gateway/ops/config.js';

const UNIT = join(packageRoot, 'deploy', 'systemd', 'gridcode.service');

/** [section] key=value lines; a key given several times keeps every value, in order. */
function parseUnit(text: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`${UNIT}: not key=value: ${line}`);
    const key = `${section}.${line.slice(0, eq)}`;
    keys.set(key, [...(keys.get(key) ?? []), line.slice(eq + 1)]);
  }
  return keys;
}

const unit = parseUnit(readFileSync(UNIT, 'utf8'));
const value = (key: string): string => {
  const values = unit.get(key);
  if (!values) throw new Error(`gridcode.service has no ${key}`);
  return values.at(-1)!;
};
/** Environment= lines as the gateway would see them (the EnvironmentFile may override them on a server). */
const environment = Object.fromEntries((unit.get('Service.Environment') ?? []).map((e) => e.split('=', 2) as [string, string]));
/** systemd time spans as used here: 40, 40s, 1min, 1min 30s. */
const seconds = (span: string) => [...span.matchAll(/(\d+)\s*(min|s)?/g)].reduce((sum, m) => sum + Number(m[1]) * (m[2] === 'min' ? 60 : 1), 0);

const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const hasAnalyze = analyze.status === 0;
if (!hasAnalyze) console.warn('\n*** systemd-analyze is not installed: gridcode.service is checked by its keys only, NOT verified by systemd ***\n');

describe('deploy/systemd/gridcode.service', () => {
  it.skipIf(!hasAnalyze)('passes systemd-analyze verify', () => {
    const run = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('runs node on the gateway entry itself (no npm, no shell between): SIGTERM reaches it', () => {
    const [node, entry, ...rest] = value('Service.ExecStart').split(/\s+/);
    expect(node).toMatch(/^\/.*\/node$/);
    expect(entry).toMatch(/\/dist\/gateway\/main\.js$/);
    expect(rest).toEqual([]);
    expect(entry!.startsWith(`${value('Service.WorkingDirectory')}/`)).toBe(true);
    expect(['simple', 'exec']).toContain(value('Service.Type'));
  });

  it('stops with SIGTERM and waits longer than the gateway drains', () => {
    expect(value('Service.KillSignal')).toBe('SIGTERM');
    const config = resolveConfig({ env: environment, cwd: value('Service.WorkingDirectory') });
    expect(seconds(value('Service.TimeoutStopSec'))).toBeGreaterThan((config.shutdownTimeoutMs + config.drainDelayMs) / 1000);
    // 0 is a clean drain; 1 (timed out) is a failure worth restarting.
    expect(unit.get('Service.SuccessExitStatus')).toBeUndefined();
  });

  it('reloads with SIGHUP to the main process (rules and tokens reread)', () => {
    expect(value('Service.ExecReload')).toMatch(/^\/\S*kill -HUP \$MAINPID$/);
  });

  it('is not root, cannot become root, and leaves V8 its JIT', () => {
    expect(value('Service.User')).not.toMatch(/^(root|0)$/);
    expect(value('Service.NoNewPrivileges')).toBe('yes');
    expect(value('Service.ProtectSystem')).toBe('strict');
    expect(value('Service.CapabilityBoundingSet')).toBe('');
    expect(unit.get('Service.MemoryDenyWriteExecute') ?? ['no']).toEqual(['no']);
  });

  it('reads its settings from an optional environment file', () => {
    expect(value('Service.EnvironmentFile')).toMatch(/^-\//);
  });
});
