import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRuleSetFileName, MAX_RULE_SET_BYTES, readRuleSetFile } from './rule-set-files.js';

describe('isRuleSetFileName', () => {
  it('takes YAML and JSON files, not dotfiles or editor leftovers', () => {
    for (const name of ['default.yaml', 'a.yml', 'b.json', 'UPPER.YAML']) expect(isRuleSetFileName(name), name).toBe(true);
    for (const name of ['.default.yaml', '.#default.yaml', '.default.yaml.swp', 'default.yaml~', '#default.yaml#', 'default.yaml.tmp', 'notes.txt', 'yaml', '', 'sub/a.yaml']) {
      expect(isRuleSetFileName(name), name).toBe(false);
    }
  });
});

describe('readRuleSetFile', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'gridcode-files-')));
    dir = join(root, 'rules');
    mkdirSync(dir);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads a file with the sha256 of its bytes', async () => {
    writeFileSync(join(dir, 'a.yaml'), 'id: a\n');
    expect(await readRuleSetFile(dir, 'a.yaml')).toEqual({
      kind: 'source',
      source: 'id: a\n',
      sha256: createHash('sha256').update('id: a\n').digest('hex'),
      linked: false,
    });
  });

  it('calls a missing file missing, and refuses other names', async () => {
    expect(await readRuleSetFile(dir, 'gone.yaml')).toEqual({ kind: 'missing' });
    writeFileSync(join(dir, '.hidden.yaml'), 'id: a\n');
    expect(await readRuleSetFile(dir, '.hidden.yaml')).toEqual({ kind: 'missing' });
    expect(await readRuleSetFile(dir, '../outside.yaml')).toEqual({ kind: 'missing' });
  });

  it('refuses a file over the limit without reading it all', async () => {
    writeFileSync(join(dir, 'big.yaml'), Buffer.alloc(MAX_RULE_SET_BYTES + 1, 0x20));
    const read = await readRuleSetFile(dir, 'big.yaml');
    expect(read).toMatchObject({ kind: 'error', error: expect.stringContaining(`at most ${MAX_RULE_SET_BYTES} bytes`) });
    writeFileSync(join(dir, 'exact.yaml'), Buffer.alloc(MAX_RULE_SET_BYTES, 0x20));
    expect(await readRuleSetFile(dir, 'exact.yaml')).toMatchObject({ kind: 'source' });
  });

  it('refuses bytes that are not UTF-8', async () => {
    writeFileSync(join(dir, 'bad.yaml'), Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    expect(await readRuleSetFile(dir, 'bad.yaml')).toMatchObject({ kind: 'error', error: expect.stringContaining('UTF-8') });
  });

  it('never follows a link out of the directory, but follows one inside it', async () => {
    writeFileSync(join(root, 'secret.yaml'), 'id: secret\n');
    symlinkSync(join(root, 'secret.yaml'), join(dir, 'out.yaml'));
    symlinkSync('../secret.yaml', join(dir, 'out-relative.yaml'));
    for (const name of ['out.yaml', 'out-relative.yaml']) {
      expect(await readRuleSetFile(dir, name)).toMatchObject({ kind: 'error', error: expect.stringContaining('outside the rule-set directory'), linked: true });
    }
    // A Kubernetes ConfigMap volume: x.yaml -> ..data/x.yaml -> ..2026_11_28/x.yaml
    mkdirSync(join(dir, '..2026_11_28'));
    writeFileSync(join(dir, '..2026_11_28', 'cm.yaml'), 'id: cm\n');
    symlinkSync('..2026_11_28', join(dir, '..data'));
    symlinkSync('..data/cm.yaml', join(dir, 'cm.yaml'));
    expect(await readRuleSetFile(dir, 'cm.yaml')).toMatchObject({ kind: 'source', source: 'id: cm\n', linked: true });
    writeFileSync(join(dir, 'notes.txt'), 'private\n');
    symlinkSync('notes.txt', join(dir, 'notes.yaml'));
    expect(await readRuleSetFile(dir, 'notes.yaml')).toMatchObject({ kind: 'error', error: expect.stringContaining('not a rule-set file name') });
  });

  it('does not hang on a FIFO or read a directory', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    expect(await readRuleSetFile(dir, 'pipe.yaml')).toMatchObject({ kind: 'error', error: 'not a regular file' });
    mkdirSync(join(dir, 'sub.yaml'));
    expect(await readRuleSetFile(dir, 'sub.yaml')).toMatchObject({ kind: 'error' });
  });
});
