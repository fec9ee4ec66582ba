// A tokens file or metrics token file that does not parse is reported by
// where it breaks, never by its text: a plain token pasted by mistake must not
// reach the log. The positions are checked against where the test put the
// mistake; the hash helpers against node:crypto.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MetricsTokens } from './metrics-token.js';
import { TenantDirectory } from './tenants.js';
import { TenantsError, hashToken, matchDigest, readTokensDocument, storedDigest } from './token-file.js';

const SECRET = 'gc_live_7Qx9Zp2LmR4vT8kW';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gridcode-token-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** 1-based line and column of offset `at` in `text`, counted here. */
function lineColumn(text: string, at: number): string {
  const lines = text.slice(0, at).split('\n');
  return `line ${lines.length}, column ${lines[lines.length - 1]!.length + 1}`;
}

async function failure(name: string, text: string, read: (file: string) => Promise<unknown> = (file) => readTokensDocument(file, 'tokens file')): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  const error = await read(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TenantsError);
  return (error as Error).message;
}

describe('a tokens file that does not parse', () => {
  it('JSON with a plain token where a hash string belongs: the line and column of the token, not the token', async () => {
    const text = `{\n  "tokens": [\n    ${SECRET}\n  ]\n}\n`;
    const message = await failure('plain.json', text);
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(SECRET.slice(0, 6));
    expect(message).toContain(`plain.json: not valid JSON at ${lineColumn(text, text.indexOf(SECRET))}`);
  });

  it('JSON whose error V8 places itself (at position N), and JSON cut short', async () => {
    const text = `{"tokens": ["${SECRET}"] "more": 1}`;
    const message = await failure('stated.json', text);
    expect(message).not.toContain(SECRET);
    expect(message).toContain(`at ${lineColumn(text, text.indexOf('"more"'))}`);
    const cut = await failure('cut.json', `{"tokens": ["${SECRET}`);
    expect(cut).not.toContain(SECRET);
    expect(cut).toMatch(/not valid JSON at the end/);
  });

  it('YAML: where it breaks, with no warning printed (yaml quotes the text in its warnings)', async () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const text = `tokens:\n  - "sha256:00"\n  - "${SECRET}\n`;
    const message = await failure('plain.yaml', text, (file) => MetricsTokens.load(file));
    expect(message).not.toContain(SECRET);
    expect(message).toMatch(/plain\.yaml: not valid YAML \(missing char\) at line \d+, column \d+$/);
    // An unknown tag named after the token: a warning, not an error, in yaml; never printed.
    const tagged = `tenants:\n  - id: a\n    tokens: [!${SECRET} x]\n    rule_sets: "*"\n`;
    const tagMessage = await failure('tagged.yaml', tagged, (file) => TenantDirectory.load(file, { defaultRuleSet: 'default' }));
    expect(tagMessage).not.toContain(SECRET);
    expect(warnings).not.toHaveBeenCalled();
  });
});

describe('the stored hashes', () => {
  it('hashToken is sha256 of the UTF-8 bytes; storedDigest reads it back; matchDigest finds it among others', () => {
    const hex = createHash('sha256').update(Buffer.from('ü-token', 'utf8')).digest('hex');
    expect(hashToken('ü-token')).toBe(`sha256:${hex}`);
    expect(storedDigest(` sha256:${hex.toUpperCase()} `)?.toString('hex')).toBe(hex);
    for (const bad of ['sha256:abc', hex, 42, undefined]) expect(storedDigest(bad)).toBeUndefined();
    const digests = ['a', 'ü-token', 'b'].map((token) => storedDigest(hashToken(token))!);
    expect(matchDigest('ü-token', digests)).toBe(1);
    expect(matchDigest('c', digests)).toBeUndefined();
  });
});
