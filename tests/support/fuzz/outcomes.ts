// What a fuzz input may come back as: an error with a code of the closed set
// (gateway/rpc/codes.ts) other than `internal`, or a response that
// decodes and whose GRAY results each say why. Anything else is a failure,
// counted and kept (with seed and index) for the report.
import { gridcode } from '#gen/scoring.js';
import { ERROR_CODES } from '../../../gateway/rpc/codes.js';
import type { FuzzCase, Method, Serialization } from './corpus.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A code clients may be given for a malformed input (internal means the server failed, not the input). */
export function isProperErrorCode(code: string): boolean {
  return Object.hasOwn(ERROR_CODES, code) && code !== 'internal';
}

function decodeAs<T>(type: { decode(bytes: Uint8Array): T; fromObject(value: object): T }, bytes: Uint8Array, serialization: Serialization): T {
  if (serialization === 'proto') return type.decode(bytes);
  const value: unknown = JSON.parse(decoder.decode(bytes));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('the JSON response is not an object');
  return type.fromObject(value);
}

/** Why a 200 response is not acceptable, or undefined when it is. */
export function responseProblem(method: Method, serialization: Serialization, bytes: Uint8Array): string | undefined {
  try {
    if (method === 'ListRuleSets') {
      const list = decodeAs(gridcode.v1.ListRuleSetsResponse, bytes, serialization);
      return list.ruleSets.length > 0 ? undefined : 'ListRuleSets answered no rule set';
    }
    if (method === 'ValidateRuleSet') {
      const validation = decodeAs(gridcode.v1.ValidateRuleSetResponse, bytes, serialization);
      if (!validation.valid && validation.errors.length === 0) return 'an invalid draft with no error';
      const silent = validation.errors.find((e) => !e.message || !e.code);
      return silent ? `a rule-set error without message or code: ${JSON.stringify(silent)}` : undefined;
    }
    const response = decodeAs(gridcode.v1.ScoreBatchResponse, bytes, serialization);
    const total = response.summary?.total ?? 0;
    // flagged_only leaves GREEN results out, so there may be fewer results than consumers, never more.
    if (response.results.length > total) return `${response.results.length} results for ${total} consumers`;
    for (const result of response.results) {
      const code = result.code ?? 0;
      if (code < gridcode.v1.Code.CODE_GREEN || code > gridcode.v1.Code.CODE_GRAY) return `result ${JSON.stringify(result.id)} has code ${code}`;
      if (code === gridcode.v1.Code.CODE_GRAY && !result.note) return `GRAY result ${JSON.stringify(result.id)} has no note`;
      if (code !== gridcode.v1.Code.CODE_GRAY && !Number.isFinite(result.score)) return `result ${JSON.stringify(result.id)} has score ${result.score}`;
    }
    return undefined;
  } catch (error) {
    return `the response does not decode: ${(error as Error).message}`;
  }
}

export interface Failure {
  readonly group: string;
  readonly index: number;
  readonly kind: string;
  readonly method: Method;
  readonly problem: string;
}

/** Outcomes by group (level, protocol) and code: `ok`, a code name, or `FAIL`. */
export class Tally {
  private readonly counts = new Map<string, Map<string, number>>();
  readonly failures: Failure[] = [];

  add(group: string, code: string): void {
    const row = this.counts.get(group) ?? new Map<string, number>();
    row.set(code, (row.get(code) ?? 0) + 1);
    this.counts.set(group, row);
  }

  fail(group: string, index: number, input: Pick<FuzzCase, 'kind' | 'method'>, problem: string): void {
    this.add(group, 'FAIL');
    if (this.failures.length < 50) this.failures.push({ group, index, kind: input.kind, method: input.method, problem: problem.slice(0, 300) });
  }

  total(group?: string): number {
    let n = 0;
    for (const [name, row] of this.counts) if (group === undefined || name === group) for (const count of row.values()) n += count;
    return n;
  }

  count(code: string): number {
    let n = 0;
    for (const row of this.counts.values()) n += row.get(code) ?? 0;
    return n;
  }

  /** A fixed-width table: one row per group, one column per outcome, and the totals. */
  table(title: string): string {
    const codes = [...new Set([...this.counts.values()].flatMap((row) => [...row.keys()]))].sort((a, b) => (a === 'ok' ? -1 : b === 'ok' ? 1 : a.localeCompare(b)));
    const width = Math.max(12, ...[...this.counts.keys()].map((g) => g.length)) + 2;
    const cell = (text: string | number): string => String(text).padStart(Math.max(8, String(text).length + 2));
    const lines = [title, 'group'.padEnd(width) + cell('inputs') + codes.map((c) => cell(c)).join('')];
    for (const [group, row] of this.counts) lines.push(group.padEnd(width) + cell(this.total(group)) + codes.map((c) => cell(row.get(c) ?? 0)).join(''));
    lines.push('TOTAL'.padEnd(width) + cell(this.total()) + codes.map((c) => cell(this.count(c))).join(''));
    for (const f of this.failures) lines.push(`FAIL ${f.group} #${f.index} ${f.method} ${f.kind}: ${f.problem}`);
    return lines.join('\n');
  }
}
