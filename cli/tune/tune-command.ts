// `gridcode tune`: a proposed next version of a rule set from a batch and its
// inspection outcomes (issue 17). The batch is scored with the rule set (with
// features, for the comparisons), its decided inspected sites split into a
// tuning and a held-out part by id and seed (engine/src/tuning/split.ts), the
// tuning part given to the pure module engine/src/tuning, and the result
// written as a new version of the file (tuned-file.ts: comments kept, checked
// before writing). Then `gridcode diff` between the old and the new version
// on the same batch (cli/diff diffBatch), whose two runs also give the
// held-out precision before and after, and the consumers the new version
// newly flags that nobody inspected. Nothing is loaded into a service: the
// file is refused inside the rules directories (output-guard.ts). The
// command line is tune-options.ts.
import { statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { gridcode } from '#gen/scoring.js';
import { featureNames } from '../../engine/src/catalogue.js';
import { Tally, type PrecisionFigures } from '../../engine/src/outcomes/index.js';
import { packageRoot } from '../../engine/src/package-root.js';
import { tuneScored, type InspectedResult } from '../../engine/src/tuning/index.js';
import { diffBatch } from '../diff/diff-command.js';
import { diffText } from '../diff/diff-report.js';
import { CommandError, describeFsError, InputError } from '../errors.js';
import { STDIN_ARG } from '../input/source.js';
import { capacityOf } from '../list/capacity.js';
import { readInspectors } from '../list/inspectors.js';
import { RED, YELLOW } from '../list/ranking.js';
import { finishInput, openCommandInput } from '../open-batch.js';
import { BatchOutcomes } from '../outcomes/batch-outcomes.js';
import { emptySkips } from '../outcomes/outcome-rows.js';
import { noteSkip, readOutcomes, type OutcomesTable } from '../outcomes/outcomes-file.js';
import { outcomesReport, outcomesReportLines } from '../outcomes/outcomes-report.js';
import { encodedResults } from '../result-codes.js';
import { resolveRuleSet } from '../rule-set-source.js';
import { scoreFile } from '../score-file.js';
import { checkOutput, checkVersion } from './output-guard.js';
import { tuneArgs } from './tune-options.js';
import { changeLines, heldOutText, tuneText, unverifiedText } from './tune-report.js';
import { tunedRuleSet } from './tuned-file.js';

export async function tuneCommand(args: readonly string[]): Promise<number> {
  const a = tuneArgs(args);
  if (!a) return 0;
  const old = await resolveRuleSet(a.ruleSet, '', a.rulesDir);
  if (old.thresholds.yellow >= old.thresholds.red) throw new InputError(a.ruleSet, `its thresholds (yellow ${old.thresholds.yellow}, red ${old.thresholds.red}) cannot map to two probabilities: yellow must be below red`);
  const version = a.version ?? `${old.version}-tuned`;
  const rulesDirs = [a.rulesDir ?? join(packageRoot, 'rules'), join(packageRoot, 'rules')];
  const output = a.output ?? `${old.id}-${version.replace(/[^\w.-]+/g, '_')}.yaml`;
  checkOutput(output, rulesDirs, a.force);
  await checkVersion(old, version, rulesDirs);
  const inspectors = a.inspectors === undefined ? undefined : readInspectors(a.inspectors);
  const outcomes = await readOutcomes(a.outcomes);

  const { batch, progress } = await openCommandInput(a.input, a.csv, a.noProgress);
  try {
    // Run 1: the old rule set with features, met with the decided outcomes.
    const names = featureNames(old.templates.names);
    const inspected: InspectedResult[] = [];
    const seen = new Set<string>();
    let consumers = 0;
    await scoreFile(batch, old, { includeFeatures: true }, 'proto', progress, (encoded) => {
      for (const result of encodedResults(encoded, 'proto')) {
        consumers++;
        const row = outcomes.byId.get(result.id);
        if (!row || seen.has(result.id)) continue;
        seen.add(result.id);
        const values = new Map(names.map((name, k) => [name, result.features[k] ?? NaN]));
        inspected.push({ id: result.id, code: result.code as number, fired: result.reasons, values, outcome: row.outcome, audit: row.audit });
      }
    });
    progress?.stop();
    // The outcomes file's report, as gridcode evaluate gives it: rows read, used, skipped and why.
    for (const [id, row] of outcomes.byId) if (!seen.has(id)) noteSkip(outcomes.skipped.notInBatch, `line ${row.line}: ${JSON.stringify(id)}`);
    for (const line of outcomesReportLines(outcomesReport(outcomes, seen.size, { count: 0, first: [] }))) process.stderr.write(`${line}\n`);
    if (seen.size === 0) throw new InputError(a.outcomes, `none of its ${outcomes.rows} rows names a consumer of the batch (${consumers} consumers, ${outcomes.skipped.notInBatch.count} rows with an id not in it): is it the batch the outcomes are about?`);
    const options = { thresholds: old.thresholds, pYellow: a.pYellow, pRed: a.pRed, minSupport: a.minSupport, seed: a.seed, holdout: a.holdout, suggest: a.thresholds, isFeature: (name: string) => names.includes(name) };
    const { result, decided, gray, tuning, heldOut } = tuneScored(inspected, old.rules, options);
    if (!result) throw new InputError(a.outcomes, `no decided inspection of the batch to tune on (${decided - gray} decided sites met, ${gray} GRAY left out, ${heldOut.size} held out)`);
    const summary = { result, thresholds: old.thresholds, pYellow: a.pYellow, pRed: a.pRed, minSupport: a.minSupport, tuneSites: tuning.length, heldOutSites: heldOut.size, holdout: a.holdout };
    if (result.suggestions.length === 0 && result.scores.every((s) => s.after === s.before)) {
      process.stdout.write(tuneText(summary));
      process.stderr.write(`gridcode: tune: nothing changed: no score or threshold moved on ${tuning.length} decided inspection${tuning.length === 1 ? '' : 's'}, so ${output} is not written\n`);
      finishInput(batch, a.csv);
      return 0;
    }
    const edits = { scores: result.scores, suggestions: result.suggestions, version };
    const draft = tunedRuleSet(old, { ...edits, header: [] });

    // Runs 2 and 3: the diff, whose results are also met with the held-out outcomes and counted for newly flagged, never inspected consumers.
    const before = new BatchOutcomes(heldOutTable(outcomes, heldOut), old, a.yellow);
    const after = new BatchOutcomes(heldOutTable(outcomes, heldOut), draft.ruleSet, a.yellow);
    const unverified = new NewlyFlagged(outcomes);
    const observe = { before: (r: gridcode.v1.ConsumerResult) => (before.add(r), unverified.before(r)), after: (r: gridcode.v1.ConsumerResult) => (after.add(r), unverified.after(r)) };
    const report = await diffBatch(batch, { ruleSet: old, source: a.ruleSet }, { ruleSet: draft.ruleSet, source: output }, { show: a.show, progress, observe });
    progress?.stop();
    const capacityGiven = a.capacity !== undefined || inspectors !== undefined;
    const perDistrict = capacityOf(a.capacity, inspectors);
    const figures = { before: heldOutPrecision(before, perDistrict, capacityGiven), after: heldOutPrecision(after, perDistrict, capacityGiven) };
    const flagged = `${a.yellow ? 'RED or YELLOW' : 'RED'}${capacityGiven ? `, listed within ${a.capacity !== undefined ? `--capacity ${a.capacity}` : inspectors!.file}` : ''}`;
    const full = { ...summary, flagged, heldOut: figures, unverified: unverified.count };

    const header = [
      `Proposed by gridcode tune on ${new Date().toISOString().slice(0, 10)} from ${old.id}@${old.version} (digest ${old.digest.slice(0, 12)}).`,
      'Not loaded anywhere: review it (gridcode diff, gridcode check), then copy it into the rules directory.',
      'Comments below that quote a changed number were written for the old one.',
      `Tuned on: batch ${basename(batch.path)}${sizeOf(a.input)}, ${consumers} consumers; outcomes ${basename(outcomes.file)} (${outcomes.rows} rows);`,
      `${decided - gray} decided inspections (${gray} GRAY left out): ${tuning.length} tuned on, ${heldOut.size} held out (--holdout ${a.holdout}, --seed ${a.seed}).`,
      `Scores: logistic model, yellow ${old.thresholds.yellow} = p ${a.pYellow}, red ${old.thresholds.red} = p ${a.pRed}; --min-support ${a.minSupport}.`,
      ...changeLines(result),
      heldOutText(full),
      unverifiedText(unverified.count),
    ];
    // The written text is compiled (and checked) with its header; its digest is the one gridcode check gives. The header is
    // comments only, so the diff's runs with the draft scored every consumer as the final file does: only the digest differs.
    const final = tunedRuleSet(old, { ...edits, header });
    try {
      writeFileSync(output, final.source);
    } catch (error) {
      throw new CommandError(`${output}: cannot write the tuned version: ${describeFsError(error)}`);
    }
    process.stdout.write(diffText({ ...report, after: { ...report.after, digest: final.ruleSet.digest } }));
    process.stdout.write(tuneText(full));
    if (unverified.count > 0) process.stderr.write(`gridcode: tune: ${unverifiedText(unverified.count)}\n`);
    process.stdout.write(`\nWritten: ${output} (${old.id}@${version}). Nothing is loaded: review it, then put it in the rules directory.\n`);
    finishInput(batch, a.csv);
    return 0;
  } finally {
    progress?.stop();
    batch.close();
  }
}

/** Consumers YELLOW or RED with the new version, neither with the old, and in no outcome row: whose precision nobody knows. */
class NewlyFlagged {
  private readonly flaggedBefore = new Set<string>();
  count = 0;
  constructor(private readonly outcomes: OutcomesTable) {}
  before(result: gridcode.v1.ConsumerResult): void {
    if (isFlagged(result)) this.flaggedBefore.add(result.id);
  }
  after(result: gridcode.v1.ConsumerResult): void {
    if (isFlagged(result) && !this.flaggedBefore.has(result.id) && !this.outcomes.byId.has(result.id)) this.count++;
  }
}

const isFlagged = (result: gridcode.v1.ConsumerResult) => (result.code as number) === RED || (result.code as number) === YELLOW;

/** The outcomes of the held-out sites only, for one run's BatchOutcomes (which consumes its table). */
function heldOutTable(outcomes: OutcomesTable, ids: ReadonlySet<string>): OutcomesTable {
  return { ...outcomes, byId: new Map([...outcomes.byId].filter(([id]) => ids.has(id))), skipped: emptySkips() };
}

/** The precision of the held-out sites a run flags (or lists within capacity), as gridcode evaluate counts it. */
function heldOutPrecision(met: BatchOutcomes, perDistrict: ReturnType<typeof capacityOf>, capacityGiven: boolean): PrecisionFigures {
  const tally = new Tally();
  for (const site of met.finish(perDistrict, [], []).sites) if (capacityGiven ? site.listed : site.flagged) tally.add(site.outcome);
  return tally.figures();
}

function sizeOf(input: string): string {
  try {
    return input === STDIN_ARG ? '' : ` (${statSync(input).size} bytes)`;
  } catch {
    return '';
  }
}
