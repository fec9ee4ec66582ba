// Where a list's results come from: a batch scored here, through the one use
// case of `gridcode score` (score-file.ts, evidence on), or a former response
// of `gridcode score`, read by the reader of `score --previous`. Either way
// the rule set's red threshold is needed for priorities (ranking.ts): a
// batch's is the rule set it is scored with; a response's is the rule set it
// names, looked up as `gridcode score` would look it up and checked against
// the response's digest.
import type { gridcode } from '#gen/scoring.js';
import { Code, type CompiledRuleSet } from '../../engine/src/index.js';
import { CommandError, InputError } from '../errors.js';
import type { WideCsvOptions } from '../csv/options.js';
import { withInputFile } from '../input/source.js';
import { finishInput, openInput } from '../open-batch.js';
import { readResponse, type ResponseHeader, type ResponseSink } from '../previous-response.js';
import type { TerminalProgress } from '../progress/terminal-progress.js';
import { encodedResults } from '../result-codes.js';
import { resolveRuleSet } from '../rule-set-source.js';
import { scoreFile } from '../score-file.js';
import { followUpFromEvidence, WatchNotes } from './follow-up.js';
import { RED, YELLOW } from './ranking.js';
import { SuspectCollector, type RuleText, type Suspect } from './suspects.js';
import type { CurveSource } from '../report/report-data.js';
import { siteCurves } from '../report/site-curves.js';
import { CohortProfiles } from '../report/cohort-profiles.js';

export interface ListSource {
  /** `id@version` of the rule set that scored the results. */
  readonly ruleSet: string;
  readonly collector: SuspectCollector;
  /** Things to say on stderr about the source (missing evidence, …). */
  readonly warnings: string[];
  /** The rules' texts (their reasons, for the report). */
  readonly rules: readonly RuleText[];
  /** The listed sites' curves, when a report asked for them and the batch was scored here. */
  readonly curves?: CurveSource;
}

/** The ids of the sites a list will show, from all the suspects: those whose curves a report draws. */
export type ListedOf = (suspects: readonly Suspect[]) => ReadonlySet<string>;

export interface RuleSetChoice {
  /** --rule-set */
  readonly flag: string | undefined;
  /** --rules-dir */
  readonly rulesDir: string | undefined;
}

/** The batch `input`, scored here with evidence; the CSV data-quality report is written when it is done. */
export async function scoredBatch(input: string, csv: WideCsvOptions, choice: RuleSetChoice, withYellow: boolean, progress: TerminalProgress | undefined, listedOf?: ListedOf): Promise<ListSource> {
  const batch = await withInputFile(input, (file) => openInput(file, csv, progress));
  try {
    const ruleSet = await resolveRuleSet(choice.flag, batch.options.ruleSet, choice.rulesDir);
    const watch = new WatchNotes();
    // A block's watch is noted once the scorer took it, maybe after its results came: the follow-up column is filled in at the end.
    const collector = new SuspectCollector(ruleSet.rules, ruleSet.thresholds.red, withYellow, () => '');
    const cohorts = listedOf && new CohortProfiles(ruleSet.minValidShare);
    // Each block's results become suspects as they are scored: only the listed ones are kept, never the encoded response.
    const part = await scoreFile(watch.observe(batch), ruleSet, { includeEvidence: true, flaggedOnly: true, includeFeatures: false }, 'proto', progress, (encoded) => {
      for (const result of encodedResults(encoded, 'proto')) collector.add(result);
    }, cohorts && ((block) => cohorts.add(block)));
    progress?.stop(); // the report and the summary follow on clean lines
    collector.suspects.forEach((suspect, k) => (collector.suspects[k] = { ...suspect, followUp: watch.of(suspect.id) }));
    collector.others.green += part.counts[1] ?? 0; // flagged-only: GREEN results are only counted
    finishInput(batch, csv);
    // A second pass over the blocks for the report, decoding only the listed sites (site-curves.ts).
    const curves = listedOf && { curves: siteCurves(batch, listedOf(collector.suspects)), cohorts: cohorts!, ruleSet, startDate: batch.header.startDate, pointsPerDay: batch.header.pointsPerDay };
    return { ruleSet: part.ruleSet, collector, warnings: [], rules: ruleSet.rules, curves };
  } finally {
    batch.close();
  }
}

/** The RED and YELLOW results of a former response, and its rule set's ref, digest and rules. */
class FlaggedResults implements ResponseSink {
  readonly option = '--response';
  total: number | undefined;
  readonly header: ResponseHeader = { ruleSet: '', ruleSetDigest: '', rules: [] };
  readonly kept: gridcode.v1.ConsumerResult[] = [];
  /** The others are only counted, for the summary. */
  green = 0;
  gray = 0;

  get counted(): number {
    return this.kept.length + this.green + this.gray;
  }

  add(result: gridcode.v1.ConsumerResult): void {
    const code = result.code as number;
    if (code === RED || code === YELLOW) this.kept.push(result);
    else if (code === Code.gray) this.gray++;
    else this.green++;
  }
}

/** A former response of `gridcode score` (JSON or .pb, gzip or standard input). */
export async function formerResponse(input: string, choice: RuleSetChoice, withYellow: boolean): Promise<ListSource> {
  const response = await withInputFile(input, (file) => readResponse(file, new FlaggedResults()));
  const ruleSet = await thresholdsOf(input, response.header, choice);
  const rules = [...response.header.rules, ...ruleSet.rules];
  const collector = new SuspectCollector(rules, ruleSet.thresholds.red, withYellow, (result) => followUpFromEvidence(result.evidence.map((e) => ({ values: e.values ?? {} }))));
  for (const result of response.kept) collector.add(result);
  collector.others.green += response.green;
  collector.others.gray += response.gray;
  const warnings: string[] = [];
  const bare = response.kept.filter((r) => r.reasons.length > 0 && r.evidence.length === 0).length;
  if (bare > 0) {
    warnings.push(`gridcode: ${input}: ${bare} flagged result${bare === 1 ? ' has' : 's have'} no evidence (the response was written without --include-evidence): their evidence column is empty`);
  }
  if (response.total !== undefined && response.total > response.counted) {
    collector.others.green += response.total - response.counted; // a --flagged-only response counts its GREEN only in the summary
  }
  return { ruleSet: response.header.ruleSet || `${ruleSet.id}@${ruleSet.version}`, collector, warnings, rules };
}

/** The rule set a response names (or --rule-set), which must be the one that scored it: its red threshold ranks REDs. */
async function thresholdsOf(input: string, header: ResponseHeader, choice: RuleSetChoice): Promise<CompiledRuleSet> {
  let ruleSet: CompiledRuleSet;
  try {
    ruleSet = await resolveRuleSet(choice.flag, header.ruleSet, choice.rulesDir);
  } catch (error) {
    if (!(error instanceof CommandError) || choice.flag !== undefined) throw error;
    throw new InputError(input, `scored with ${header.ruleSet || 'an unnamed rule set'}, which cannot be found (${error.message}): give --rule-set FILE, the rule set that scored it, for its red threshold`);
  }
  if (header.ruleSetDigest !== '' && header.ruleSetDigest !== ruleSet.digest) {
    throw new InputError(
      input,
      `scored with ${header.ruleSet} (digest ${header.ruleSetDigest.slice(0, 12)}…), but the rule set found is ${ruleSet.id}@${ruleSet.version} (digest ${ruleSet.digest.slice(0, 12)}…): give --rule-set FILE, the rule set that scored the response, for its red threshold`,
    );
  }
  return ruleSet;
}
