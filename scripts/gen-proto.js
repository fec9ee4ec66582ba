// Generates the static protobufjs code for proto/ into gen/ (never committed).
// Static code, not reflection, so the message classes are typed and fast.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cli = dirname(require.resolve('protobufjs-cli/package.json'));
const out = join(root, 'gen');
mkdirSync(out, { recursive: true });

const run = (script, args) => execFileSync(process.execPath, [join(cli, 'bin', script), ...args], { cwd: root, stdio: 'inherit' });
run('pbjs', ['-t', 'static-module', '-w', 'es6', '--es6', '--force-number', '-o', join(out, 'scoring.js'), 'proto/gridcode/v1/scoring.proto']);
run('pbts', ['-o', join(out, 'scoring.d.ts'), join(out, 'scoring.js')]);
