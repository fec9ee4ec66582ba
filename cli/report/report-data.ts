// What the district heads' report shows (issue 15), gathered from the list:
// codes per district, rule hits, the score distribution, and per listed site
// its evidence and, when the batch was scored here, its curves (site-
// curves.ts) with the template its corr_ rule compared it with, brought to
// the site's mean. Aggregates only: never a reading.
import type { CompiledRuleSet } from '../../engine/src/index.js';
import type { DistrictList } from '../list/ranking.js';
import { districtName } from '../list/list-table.js';
import type { OtherCodes, Suspect, SuspectCollector } from '../list/suspects.js';
import type { SiteCurves } from './site-curves.js';
import type { CohortProfiles } from './cohort-profiles.js';

export interface ReportSite {
  readonly district: string;
  readonly rank: number;
  readonly suspect: Suspect;
  readonly curves?: SiteCurves;
  /** The first template the site was compared with, scaled so that its mean is the site's mean kW. */
  readonly template?: { readonly name: string; readonly kw: Float64Array };
  /** Its peers' mean normalised profile, brought to the site's mean kW (cohort-profiles.ts); absent without a cohort. */
  readonly cohort?: Float64Array;
}

export interface ReportData {
  /** `id@version` */
  readonly ruleSet: string;
  readonly districts: readonly { readonly name: string; readonly red: number; readonly yellow: number; readonly listed: number }[];
  /** Fired rules among all suspects (listed or cut), most hits first. */
  readonly ruleHits: readonly { readonly rule: string; readonly reason: string; readonly hits: number }[];
  readonly scores: readonly number[];
  readonly others: OtherCodes;
  readonly sites: readonly ReportSite[];
  /** Set when the curves could not be drawn (a former response): why. */
  readonly curvesMissing?: string;
  /** Of the batch scored here: the window's first day and readings a day. */
  readonly window?: { readonly startDate: string; readonly pointsPerDay: number };
}

export interface CurveSource {
  readonly curves: ReadonlyMap<string, SiteCurves>;
  readonly cohorts: CohortProfiles;
  readonly ruleSet: CompiledRuleSet;
  readonly startDate: string;
  readonly pointsPerDay: number;
}

/** The listed sites' ids, per district its first `listed`. */
export function listedIds(lists: readonly DistrictList<Suspect>[]): Set<string> {
  return new Set(lists.flatMap((list) => list.ranked.slice(0, list.listed).map((s) => s.id)));
}

export function reportData(ruleSet: string, lists: readonly DistrictList<Suspect>[], collector: SuspectCollector, reasons: ReadonlyMap<string, string>, source: CurveSource | undefined): ReportData {
  const hits = new Map<string, number>();
  for (const list of lists) for (const s of list.ranked) for (const rule of s.rules) hits.set(rule, (hits.get(rule) ?? 0) + 1);
  const ruleHits = [...hits].map(([rule, n]) => ({ rule, reason: reasons.get(rule) ?? '', hits: n })).sort((a, b) => b.hits - a.hits || (a.rule < b.rule ? -1 : 1));
  const sites: ReportSite[] = lists.flatMap((list) =>
    list.ranked.slice(0, list.listed).map((suspect, k) => {
      const curves = source?.curves.get(suspect.id);
      const template = source && curves ? scaledTemplate(source, suspect.templates, curves.meanKw) : undefined;
      return { district: districtName(list.district), rank: k + 1, suspect, curves, template, cohort: source && curves ? source.cohorts.peerProfile(curves) : undefined };
    }),
  );
  return {
    ruleSet,
    districts: lists.map((list) => ({ name: districtName(list.district), red: list.red, yellow: list.yellow, listed: list.listed })),
    ruleHits,
    scores: collector.scores,
    others: collector.others,
    sites,
    curvesMissing: source ? undefined : 'listed from a former response: the curves need the readings, so list with --input BATCH to see them',
    window: source && { startDate: source.startDate, pointsPerDay: source.pointsPerDay },
  };
}

/** The first of `names` (best match first) the rule set has, at P points, scaled to `meanKw` (a template is a shape: rules.md). */
function scaledTemplate(source: CurveSource, names: readonly string[], meanKw: number): ReportSite['template'] {
  const templates = source.ruleSet.templates;
  const t = names.map((name) => templates.names.indexOf(name)).find((index) => index >= 0);
  if (t === undefined || !Number.isFinite(meanKw)) return undefined;
  const P = source.pointsPerDay;
  const shape = templates.at(P as Parameters<typeof templates.at>[0]).subarray(t * P, (t + 1) * P);
  const mean = shape.reduce((a, b) => a + b, 0) / P;
  const kw = new Float64Array(P).map((_, s) => (mean === 0 ? NaN : (shape[s]! * meanKw) / mean));
  return { name: templates.names[t]!, kw };
}
