// One request of a traffic kind over one protocol, and its outcome: the code
// the client saw, or WRONG_RESPONSE when an ok answer says the wrong thing
// (the soak checks content too, so a server that answers ok with garbage
// still fails the run).
import { WRONG_RESPONSE, type Protocol } from './expectations.js';
import type { CallOutcome, Clients } from './clients.js';
import { Code } from '../../engine/src/index.js';
import { BAD_DRAFT_ERRORS, BROKEN_JSON, TRUNCATED_REQUEST, UNJUDGEABLE, type Traffic } from './traffic.js';

export interface Outcome {
  readonly code: string;
  /** The server's message (errors) or what was wrong (WRONG_RESPONSE); for the first few of each unexpected code. */
  readonly message: string;
}

interface ScoreResponse {
  results: { id: string; code: number; note: string }[];
  summary?: { total: number };
}
interface ListResponse {
  ruleSets: { id: string; isDefault: boolean }[];
}
interface ValidateResponse {
  valid: boolean;
  errors: unknown[];
}

/** The outcome of an ok answer that failed `problem` (undefined = fine); errors pass through. */
function judged<T>(outcome: CallOutcome<T>, problem: (response: T) => string | undefined): Outcome {
  if (outcome.code !== 'ok') return { code: outcome.code, message: outcome.message };
  const wrong = problem(outcome.response as T);
  return wrong === undefined ? { code: 'ok', message: '' } : { code: WRONG_RESPONSE, message: wrong };
}

function countProblem(response: ScoreResponse, consumers: number, flaggedOnly: boolean): string | undefined {
  if (response.summary?.total !== consumers) return `summary.total ${response.summary?.total} for ${consumers} consumers`;
  if (flaggedOnly ? response.results.length > consumers : response.results.length !== consumers) return `${response.results.length} results for ${consumers} consumers`;
  return undefined;
}

/** A random delay in [lo, hi] ms from the traffic's seeded stream. */
function delay(traffic: Traffic, lo: number, hi: number): number {
  return traffic.rng.int(lo, hi);
}

export async function send(kind: string, protocol: Protocol, traffic: Traffic, clients: Clients): Promise<Outcome> {
  const json = protocol === 'connect-json';
  switch (kind) {
    case 'score': {
      const { input, consumers, flaggedOnly } = traffic.score(json);
      return judged(await clients.call<ScoreResponse>(protocol, 'ScoreBatch', input), (r) => countProblem(r, consumers, flaggedOnly));
    }
    case 'score-bad-consumers': {
      const input = traffic.badConsumers();
      const count = (input['consumers'] as unknown[]).length;
      return judged(await clients.call<ScoreResponse>(protocol, 'ScoreBatch', input), (r) => {
        const bad = r.results.filter((c) => UNJUDGEABLE.includes(c.id));
        const notGray = bad.filter((c) => c.code !== Code.gray || c.note === '');
        if (bad.length !== UNJUDGEABLE.length || notGray.length > 0) return `unjudgeable consumers not GRAY with a note: ${notGray.map((c) => c.id).join(', ') || `${bad.length} of ${UNJUDGEABLE.length} in the results`}`;
        return countProblem(r, count, false);
      });
    }
    case 'list-rule-sets':
      return judged(await clients.call<ListResponse>(protocol, 'ListRuleSets', {}), (r) => (r.ruleSets.some((s) => s.isDefault) ? undefined : `no default among ${r.ruleSets.length} rule sets`));
    case 'validate-good':
      return judged(await clients.call<ValidateResponse>(protocol, 'ValidateRuleSet', traffic.draft(true)), (r) => (r.valid && r.errors.length === 0 ? undefined : `rules/default.yaml judged invalid (${r.errors.length} errors)`));
    case 'validate-bad':
      return judged(await clients.call<ValidateResponse>(protocol, 'ValidateRuleSet', traffic.draft(false)), (r) =>
        !r.valid && r.errors.length === BAD_DRAFT_ERRORS ? undefined : `bad draft: valid ${r.valid}, ${r.errors.length} errors (want ${BAD_DRAFT_ERRORS})`,
      );
    case 'malformed': {
      const outcome = await clients.raw(protocol, TRUNCATED_REQUEST, BROKEN_JSON);
      return { code: outcome.code, message: outcome.message };
    }
    case 'bad-date':
      return judged(await clients.call(protocol, 'ScoreBatch', traffic.badDate()), () => 'a bad start_date was scored');
    case 'bad-points-per-day':
      return judged(await clients.call(protocol, 'ScoreBatch', traffic.small({ pointsPerDay: 50 })), () => 'points_per_day 50 was scored');
    case 'unknown-rule-set':
      return judged(await clients.call(protocol, 'ScoreBatch', traffic.small({ ruleSet: `soak-no-such-rules-${traffic.rng.int(0, 999)}` })), () => 'an unknown rule set was used');
    case 'oversized':
      return judged(await clients.call(protocol, 'ValidateRuleSet', traffic.oversized()), () => 'a body over the limit was accepted');
    case 'deadline':
      return judged(await clients.call(protocol, 'ScoreBatch', traffic.big(json), { timeoutMs: 1 }), () => 'scored within a 1 ms deadline');
    case 'cancel': {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), delay(traffic, 2, 20));
      try {
        return judged(await clients.call(protocol, 'ScoreBatch', traffic.big(json), { signal: controller.signal }), () => 'answered before the client canceled');
      } finally {
        clearTimeout(timer);
      }
    }
    default:
      throw new Error(`no request for traffic kind "${kind}"`);
  }
}
