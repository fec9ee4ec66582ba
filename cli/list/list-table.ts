// The columns of an inspection list, shared by its CSV and XLSX forms: one
// row per listed site, in list order, with the district's name and the site's
// rank in it. No column holds a reading (issue 15: "only the results, never
// the readings").
import { formatValue } from './comparisons.js';
import { NO_DISTRICT, RED, type DistrictList } from './ranking.js';
import type { Suspect } from './suspects.js';

export interface ListColumn {
  readonly header: string;
  /** Width in characters in the XLSX (a CJK character counts about 2). */
  readonly width: number;
  /** Whether the XLSX cell holds a number. */
  readonly numeric?: boolean;
}

export const LIST_COLUMNS: readonly ListColumn[] = [
  { header: 'district', width: 16 },
  { header: 'rank', width: 6, numeric: true },
  { header: 'id', width: 20 },
  { header: 'code', width: 8 },
  { header: 'priority', width: 10, numeric: true },
  { header: 'score', width: 7, numeric: true },
  { header: 'reasons', width: 60 },
  { header: 'evidence', width: 70 },
  { header: 'rules', width: 30 },
  { header: 'follow_up', width: 24 },
  { header: 'note', width: 40 },
];

/**
 * The C0 control characters XML 1.0 forbids (all but tab, LF and CR): exceljs
 * drops them from an XLSX cell silently, so both forms of a list show each as
 * U+FFFD, and the CSV and the XLSX say the same. Tab, LF and CR are kept: an
 * XLSX cell holds them, and a CSV field holding one is quoted.
 */
const FORBIDDEN_C0 = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/** `text` with each control character an XLSX cell cannot hold replaced by U+FFFD. */
export function visibleText(text: string): string {
  return text.replace(FORBIDDEN_C0, '\uFFFD');
}

/** The name a district is listed under: its own (controls made visible), or NO_DISTRICT. */
export function districtName(district: string): string {
  return district === '' ? NO_DISTRICT : visibleText(district);
}

/** A listed site's cells, aligned with LIST_COLUMNS (numbers as numbers). */
export function listRow(district: string, rank: number, s: Suspect): (string | number)[] {
  return [
    districtName(district),
    rank,
    visibleText(s.id),
    s.code === RED ? 'RED' : 'YELLOW',
    shownNumber(s.priority),
    shownNumber(s.score),
    visibleText(s.reasons),
    visibleText(s.evidence),
    visibleText(s.rules.join(' ')),
    visibleText(s.followUp),
    visibleText(s.note),
  ];
}

/** The listed rows of each district, in order. */
export function* listedRows(lists: readonly DistrictList<Suspect>[]): Generator<(string | number)[]> {
  for (const list of lists) for (let k = 0; k < list.listed; k++) yield listRow(list.district, k + 1, list.ranked[k]!);
}

/** A float32 score as the list shows it (35, not 35.000001). */
function shownNumber(value: number): number {
  return Number(formatValue(Number.isNaN(value) ? 0 : value));
}
