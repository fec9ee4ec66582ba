// Prints the hash to store in a tokens file for a bearer token:
//   npm run -s token-hash -- <token>
//   printf %s "$TOKEN" | npm run -s token-hash     (keeps the token out of shell history)
import { readFileSync } from 'node:fs';
import { hashToken } from './token-file.js';

const argument = process.argv[2];
const token = argument ?? (process.stdin.isTTY ? '' : readFileSync(0, 'utf8').replace(/\r?\n$/, ''));
if (token === '' || /\s/.test(token)) {
  process.stderr.write('usage: npm run -s token-hash -- <token>   (or pipe the token on stdin; a token has no spaces)\n');
  process.exitCode = 2;
} else {
  process.stdout.write(`${hashToken(token)}\n`);
}
