// The files of token hashes (the tokens file, tenants.ts; the metrics token
// file, metrics-token.ts): reading them, the stored `sha256:<hex>` hashes, and
// matching a presented token against them in constant time
// (crypto.timingSafeEqual on the 32-byte digests, no early exit), so the time
// taken says nothing about which hash, or how much of one, matched.
// A file that does not parse is reported by line and column only, never by
// its text: an operator who pasted a plain token by mistake must not find it
// in the log (Node's JSON.parse quotes the input; yaml's warnings too).
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLError } from 'yaml';

/** A tokens file that cannot be used; the message names the file and the entry. */
export class TenantsError extends Error {
  override readonly name = 'TenantsError';
}

/** `sha256:<64 hex digits>` of a token's UTF-8 bytes: what a tokens file stores. */
export function hashToken(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

/** What a tokens file says of an entry that is not a stored hash. */
export const NOT_A_HASH = 'not a sha256:<64 hex digits> hash; store hashes, never the tokens (npm run -s token-hash -- <token>)';

/** The 32-byte digest a stored `sha256:<hex>` hash names, or undefined. */
export function storedDigest(value: unknown): Buffer | undefined {
  const match = typeof value === 'string' ? /^sha256:([0-9a-fA-F]{64})$/.exec(value.trim()) : null;
  return match ? Buffer.from(match[1]!, 'hex') : undefined;
}

/**
 * The index of the first stored digest that is the sha256 of `token`, or
 * undefined. Every digest is compared, whatever matched, in constant time each.
 */
export function matchDigest(token: string, digests: readonly Buffer[]): number | undefined {
  const digest = createHash('sha256').update(token, 'utf8').digest();
  let found: number | undefined;
  digests.forEach((stored, index) => {
    // timingSafeEqual needs equal lengths: both are sha256 digests (32 bytes).
    const equal = timingSafeEqual(digest, stored);
    if (equal && found === undefined) found = index;
  });
  return found;
}

/** A tokens file's document (YAML, or JSON for `.json`); TenantsError naming the file, and where it does not parse, when it cannot be read or parsed. */
export async function readTokensDocument(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new TenantsError(`${what} ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (/\.json$/i.test(file)) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new TenantsError(`${what} ${file}: not valid JSON ${where(text, jsonErrorPosition(text, (error as Error).message))}`);
    }
  }
  try {
    // logLevel 'error': yaml would print its warnings (which quote the text) to stderr.
    return parseYaml(text, { logLevel: 'error' });
  } catch (error) {
    if (!(error instanceof YAMLError)) throw new TenantsError(`${what} ${file}: not valid YAML`);
    const at = error.linePos?.[0];
    throw new TenantsError(`${what} ${file}: not valid YAML (${error.code.toLowerCase().replace(/_/g, ' ')})${at ? ` at line ${at.line}, column ${at.col}` : ''}`);
  }
}

/** `at line L, column C` of a 0-based character position, or `at the end` past the text. */
function where(text: string, position: number): string {
  if (position >= text.length) return 'at the end (it stops too soon)';
  const before = text.slice(0, position).split('\n');
  return `at line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

/**
 * Where JSON.parse failed, 0-based. V8 says "at position N" for some errors;
 * for an unexpected character it quotes the text instead, so the position is
 * found again by parsing prefixes: a prefix that holds the bad character
 * fails on it ("Unexpected token"), a shorter one only runs out of input.
 */
function jsonErrorPosition(text: string, message: string): number {
  const stated = /at position (\d+)/.exec(message);
  if (stated) return Number(stated[1]);
  if (!/^Unexpected token/.test(message)) return text.length;
  const unexpected = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      return /^Unexpected token/.test((error as Error).message);
    }
  };
  let low = 1;
  let high = text.length; // unexpected(high) holds
  while (low < high) {
    const middle = (low + high) >> 1;
    if (unexpected(middle)) high = middle;
    else low = middle + 1;
  }
  return low - 1;
}
