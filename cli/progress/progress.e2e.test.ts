// The progress line through the built command line: nothing of it when stderr
// is a pipe (the report alone, no escape code), a line of rows and consumers
// when stderr is a terminal (a pseudo-terminal from util-linux `script`),
// none with --no-progress, and the same output whatever is shown.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../engine/src/package-root.js';
import { CLI } from '../../lib/gateway-process.js';
import { cliWorkspace } from '../../tests/support/cli.js';

const workspace = cliWorkspace('gridcode-progress-');
const MAKE_LONG_CSV = join(packageRoot, 'dist', 'bench', 'tools', 'make-long-csv.js');
const ESC = '\x1b';

/** `script` runs a command on a pseudo-terminal: its stdout is what the terminal shows. */
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasScript) console.warn('progress.e2e: util-linux `script` is absent: the terminal tests are skipped');

/** A long CSV of 300 consumers × 7 days × 48 points (100,800 rows), from the generator. */
function longCsv(): string {
  const path = join(workspace.dir(), 'long.csv');
  const made = spawnSync(process.execPath, [MAKE_LONG_CSV, '--out', path, '--consumers', '300', '--days', '7', '--points', '48'], { encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  return path;
}

/** `gridcode args` on a pseudo-terminal; what the terminal was sent, escape codes and all. */
function onTerminal(args: string[]): string {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const run = spawnSync('script', ['-qfec', quoted, '/dev/null'], { cwd: workspace.dir(), encoding: 'utf8', input: '' });
  expect(run.status, run.stdout).toBe(0);
  return run.stdout;
}

/** The texts drawn on the terminal, escape sequences and carriage returns taken as separators. */
function drawn(terminal: string): string[] {
  return terminal.split(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]|\r/).filter((s) => s.trim() !== '');
}

describe('the progress line', () => {
  it('is not written when stderr is a pipe: stderr is the report alone', () => {
    const input = longCsv();
    const run = workspace.run('features', '--input', input, '--unit', 'kwh', '--output', join(workspace.dir(), 'pipe.jsonl'));
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain(ESC);
    expect(run.stderr).not.toMatch(/rows\/s|ETA/);
    expect(run.stderr).toContain('100,800 rows, 300 consumers');
  });

  describe.skipIf(!hasScript)('on a terminal', () => {
    it('shows rows and consumers, is cleared before the report, and changes nothing in the output', () => {
      const input = longCsv();
      const pipe = workspace.run('score', '--input', input, '--unit', 'kwh', '--output', join(workspace.dir(), 'pipe.json'));
      expect(pipe.status).toBe(0);
      const terminal = onTerminal(['score', '--input', input, '--unit', 'kwh', '--output', join(workspace.dir(), 'tty.json')]);
      const lines = drawn(terminal).filter((s) => / consumers/.test(s) && / · /.test(s));
      expect(lines.length).toBeGreaterThan(0);
      // The last line drawn counts every consumer; the report comes after it was erased (ESC [2K).
      expect(lines[lines.length - 1]).toMatch(/(^|· )300 consumers/);
      const report = terminal.indexOf('long CSV (separator');
      expect(report).toBeGreaterThan(terminal.lastIndexOf(' consumers · '));
      expect(terminal.lastIndexOf(`${ESC}[2K`, report)).toBeGreaterThan(terminal.lastIndexOf(' consumers · '));
      expect(readFileSync(join(workspace.dir(), 'tty.json'), 'utf8')).toBe(readFileSync(join(workspace.dir(), 'pipe.json'), 'utf8'));
    });

    it('is not shown with --no-progress', () => {
      const terminal = onTerminal(['features', '--input', longCsv(), '--unit', 'kwh', '--output', join(workspace.dir(), 'quiet.jsonl'), '--no-progress']);
      expect(terminal).not.toContain(ESC);
      expect(terminal).toContain('100,800 rows, 300 consumers');
    });
  });
});
