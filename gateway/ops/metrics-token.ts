// The bearer tokens /metrics accepts, from a file of their sha256 hashes
// (never the tokens), read like the tokens file (YAML, or JSON for `.json`):
//
//   tokens: ["sha256:9f86d08…"]        # npm run -s token-hash -- <token>
//
// Prometheus sends the token from a file of its own (`authorization:
// credentials_file:` in the scrape config). Several hashes let a token be
// rotated without a gap; SIGHUP rereads the file.
import { bearerToken } from './tenants.js';
import { NOT_A_HASH, TenantsError, matchDigest, readTokensDocument, storedDigest } from './token-file.js';

export class MetricsTokens {
  private constructor(private readonly digests: readonly Buffer[]) {}

  /** TenantsError naming the file and the entry that is wrong. */
  static parse(document: unknown, source = 'metrics token file'): MetricsTokens {
    const fail = (message: string): never => {
      throw new TenantsError(`${source}: ${message}`);
    };
    if (typeof document !== 'object' || document === null || Array.isArray(document)) return fail('expected a mapping with a list "tokens" of sha256:<hex> hashes');
    for (const key of Object.keys(document)) if (key !== 'tokens') fail(`unknown key ${JSON.stringify(key)} (expected "tokens")`);
    const tokens = (document as Record<string, unknown>)['tokens'];
    if (!Array.isArray(tokens) || tokens.length === 0) return fail('tokens: expected a non-empty list of sha256:<hex> token hashes');
    const digests = tokens.map((token: unknown, t) => storedDigest(token) ?? fail(`tokens[${t}]: ${NOT_A_HASH}`));
    return new MetricsTokens(digests);
  }

  static async load(file: string): Promise<MetricsTokens> {
    return MetricsTokens.parse(await readTokensDocument(file, 'metrics token file'), `metrics token file ${file}`);
  }

  /** Whether the Authorization header is `Bearer <a token whose hash is stored>` (constant time per stored hash). */
  accepts(authorization: string | undefined): boolean {
    const token = bearerToken(authorization);
    return token !== undefined && matchDigest(token, this.digests) !== undefined;
  }
}
