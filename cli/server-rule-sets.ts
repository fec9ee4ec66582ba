// `gridcode check --server URL`: the rule sets a running gateway has loaded
// (one ListRuleSets call, gRPC over h2c with node:http2, as `score --server`
// talks to it), so that check can say what the server would refuse: a file
// whose content changed under an id@version the server already serves.
import { gridcode } from '#gen/scoring.js';
import { codeOfGrpcStatus } from '../gateway/rpc/codes.js';
import { CommandError } from './errors.js';
import { openGrpcCall } from './grpc-client-call.js';

/** A gateway answers ListRuleSets from memory: anything slower is not answering. */
const TIMEOUT_MS = 15_000;

export interface ServedRuleSet {
  readonly id: string;
  readonly version: string;
  /** Hex sha256, as the server reports it. */
  readonly digest: string;
}

/** The rule sets the gateway at `server` (http://host:grpcPort) lists for `token`; a CommandError saying why not. */
export async function listServerRuleSets(server: string, token: string | undefined): Promise<ServedRuleSet[]> {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CommandError(`--server ${server} is not a URL; give the gateway's gRPC port, e.g. http://127.0.0.1:8081`);
  }
  let body: Uint8Array | undefined;
  const call = openGrpcCall(url.origin, 'ListRuleSets', token, (bytes) => (body = bytes), TIMEOUT_MS);
  await call.send(new Uint8Array()); // an empty ListRuleSetsRequest
  const end = await call.finish();
  if (end.status === undefined) {
    const why = end.failure ? end.failure.message : `the stream was reset (HTTP/2 code ${end.rstCode})`;
    throw new CommandError(`cannot ask ${url.origin} for its rule sets: ${why}; is it the gateway's gRPC port (8081 by default)?`);
  }
  if (end.status !== '0') throw new CommandError(`${url.origin} answered ListRuleSets with ${codeOfGrpcStatus(end.status)}: ${end.message}`);
  const response = gridcode.v1.ListRuleSetsResponse.decode(body ?? new Uint8Array());
  return response.ruleSets.map((info) => ({ id: info.id ?? '', version: info.version ?? '', digest: (info.digest ?? '').replace(/^sha256:/, '') }));
}

/**
 * What the server makes of a rule set that compiles here: one line for
 * check's output, and whether it is a refusal. `bases` are the file's bases
 * (`extends`, outermost first) as compiled here. Each is compared with the
 * server's list whether or not the server has the file: a base the server has
 * under the same id@version with another digest means the server would compile
 * the file against its own base, to another digest (a refusal); a base the
 * server does not list is a note, not a refusal, since it is usually deployed
 * together with the file (docs/decisions.md, 2026-12-05).
 */
export function compareWithServer(served: readonly ServedRuleSet[], ruleSet: ServedRuleSet, server: string, bases: readonly ServedRuleSet[] = []): { line: string; refused: boolean } {
  const refOf = (s: ServedRuleSet): string => `${s.id}@${s.version}`;
  const find = (s: ServedRuleSet): ServedRuleSet | undefined => served.find((there) => there.id === s.id && there.version === s.version);
  const ref = refOf(ruleSet);
  const differing: string[] = [];
  const absent: string[] = [];
  for (const base of bases) {
    const there = find(base);
    if (!there) absent.push(refOf(base));
    else if (there.digest !== base.digest) differing.push(`its base ${refOf(base)} here (sha256:${base.digest}) is not the server's (sha256:${there.digest})`);
  }
  const same = find(ruleSet);
  if (same && same.digest !== ruleSet.digest) {
    return {
      refused: true,
      line: `error: changed without a new version: the server ${server} has ${ref} with digest sha256:${same.digest}; this file's digest is sha256:${ruleSet.digest}: give it a new version (the server refuses other content under a version it has loaded)${differing.length > 0 ? `; ${differing.join('; ')}` : ''}`,
    };
  }
  if (differing.length > 0) {
    return {
      refused: true,
      line: `error: the server ${server} would compile ${ref} against its own base, not the one here: ${differing.join('; ')}; deploy the base here under a new version and extend that, or extend the server's`,
    };
  }
  // The digest covers the bases: the same digest means the same bases.
  if (same) return { refused: false, line: `the server ${server} has ${ref} with this digest` };
  const others = served.filter((s) => s.id === ruleSet.id).map((s) => s.version);
  const known = others.length > 0 ? `; it has ${ruleSet.id} at ${others.join(', ')}` : '';
  const missing =
    absent.length > 0
      ? `; note: the server does not list its base ${absent.join(', ')} (or the token may not use it): deploy it with (or before) this file, or the server refuses this file as having an unknown base`
      : '';
  return { refused: false, line: `${ref} is new to the server ${server}${known}${missing}` };
}
