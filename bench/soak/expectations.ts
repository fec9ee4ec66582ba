// The traffic mix of the soak: each kind of request, how often it is sent,
// over which protocols, and the outcome(s) it must have. An outcome outside
// its kind's expected codes is "unexpected"; a run passes only with none.
//
// No kind expects resource_exhausted for a full server: the soak keeps its
// concurrency within the gateway's queue (maxQueue 64 ≫ --concurrency), so a
// "server full" answer is a finding, not noise. Only the oversized body
// expects it, as its own answer.

export const PROTOCOLS = ['connect-proto', 'connect-json', 'grpc-web', 'grpc'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** An ok answer whose content is wrong (counts, GRAY notes, validation verdict): never expected. */
export const WRONG_RESPONSE = 'wrong_response';

export interface KindSpec {
  readonly kind: string;
  /** What it is, for the README and --help readers. */
  readonly what: string;
  /** Relative frequency. */
  readonly weight: number;
  readonly expected: readonly string[];
  readonly protocols: readonly Protocol[];
}

const ALL = PROTOCOLS;

export const KINDS: readonly KindSpec[] = [
  { kind: 'score', what: 'ScoreBatch of 1–200 population consumers, random features/evidence/flagged_only flags; summary total checked', weight: 30, expected: ['ok'], protocols: ALL },
  { kind: 'score-bad-consumers', what: 'ScoreBatch with consumers that cannot be judged among good ones: ok, those GRAY with a note', weight: 6, expected: ['ok'], protocols: ALL },
  { kind: 'list-rule-sets', what: 'ListRuleSets: ok, a default among them', weight: 6, expected: ['ok'], protocols: ALL },
  { kind: 'validate-good', what: 'ValidateRuleSet of rules/default.yaml: ok, valid', weight: 4, expected: ['ok'], protocols: ALL },
  { kind: 'validate-bad', what: 'ValidateRuleSet of a draft with 3 mistakes: ok, not valid, 3 errors', weight: 4, expected: ['ok'], protocols: ALL },
  { kind: 'malformed', what: 'hand-made truncated protobuf (broken JSON over Connect JSON)', weight: 4, expected: ['invalid_argument'], protocols: ALL },
  { kind: 'bad-date', what: 'ScoreBatch with an impossible or mis-formatted start_date', weight: 4, expected: ['invalid_argument'], protocols: ALL },
  { kind: 'bad-points-per-day', what: 'ScoreBatch with points_per_day 50', weight: 3, expected: ['invalid_argument'], protocols: ALL },
  { kind: 'unknown-rule-set', what: 'ScoreBatch naming a rule set that does not exist', weight: 3, expected: ['not_found'], protocols: ALL },
  { kind: 'oversized', what: 'ValidateRuleSet body just over --max-body-bytes', weight: 1, expected: ['invalid_argument'], protocols: ALL },
  // Over a shared h2c connection a few of these, uploads cut short, leave the
  // server's session refusing every later stream with NGHTTP2_ENHANCE_YOUR_CALM
  // (server bug, README.md): gRPC gets a connection per request here.
  { kind: 'deadline', what: 'ScoreBatch of 200 consumers with a 1 ms deadline (timeout header sent)', weight: 3, expected: ['deadline_exceeded'], protocols: ALL },
  { kind: 'cancel', what: 'ScoreBatch of 200 consumers aborted by the client 2–20 ms after it started', weight: 3, expected: ['canceled'], protocols: ALL },
];

export function kindSpec(kind: string): KindSpec {
  const spec = KINDS.find((k) => k.kind === kind);
  if (!spec) throw new Error(`unknown traffic kind "${kind}"`);
  return spec;
}

export function isExpected(kind: string, code: string): boolean {
  return kindSpec(kind).expected.includes(code);
}

/** Every (protocol, kind) pair sent, with its weight, for a weighted pick. */
export function mix(kinds: readonly string[] = KINDS.map((k) => k.kind), protocols: readonly Protocol[] = PROTOCOLS): { protocol: Protocol; kind: string; weight: number }[] {
  const pairs = KINDS.filter((k) => kinds.includes(k.kind)).flatMap((k) => k.protocols.filter((p) => protocols.includes(p)).map((protocol) => ({ protocol, kind: k.kind, weight: k.weight })));
  if (pairs.length === 0) throw new Error(`no traffic: none of the kinds ${kinds.join(', ')} goes over ${protocols.join(', ')}`);
  return pairs;
}
