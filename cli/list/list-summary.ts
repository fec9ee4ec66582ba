// What `gridcode list` says on stderr once the list is written: per district,
// its suspects, how many are listed and how many cut, and its capacity and
// where that came from; then the totals and what was not listed at all.
import { NO_DISTRICT, sitesOf, type DistrictList } from './ranking.js';
import type { OtherCodes, Suspect } from './suspects.js';

export function summaryLines(ruleSet: string, lists: readonly DistrictList<Suspect>[], others: OtherCodes, withYellow: boolean): string[] {
  const lines: string[] = [];
  let suspects = 0;
  let listed = 0;
  let absent = 0;
  for (const list of lists) {
    const name = list.district === '' ? NO_DISTRICT : JSON.stringify(list.district);
    const cut = list.ranked.length - list.listed;
    const codes = withYellow ? ` (${list.red} RED, ${list.yellow} YELLOW)` : '';
    lines.push(`gridcode list: ${name}: ${list.ranked.length} suspect${list.ranked.length === 1 ? '' : 's'}${codes}, ${list.listed} listed, ${cut} cut; ${capacityText(list)}`);
    suspects += list.ranked.length;
    listed += list.listed;
    if (list.capacity.kind === 'absent') absent++;
  }
  const what = withYellow ? 'RED and YELLOW' : 'RED';
  lines.push(`gridcode list: ${ruleSet}: ${listed} of ${suspects} ${what} suspects listed in ${lists.length} district${lists.length === 1 ? '' : 's'}, ${suspects - listed} cut`);
  const notListed = [`${others.gray} GRAY`, `${others.green} GREEN`];
  if (!withYellow) notListed.unshift(`${others.yellowLeftOut} YELLOW (--yellow lists them after the REDs)`);
  lines.push(`gridcode list: not listed: ${notListed.join(', ')}`);
  if (absent > 0) lines.push(`gridcode list: ${absent} district${absent === 1 ? ' has' : 's have'} no row in the inspectors file: none of their suspects is listed (add a row for each)`);
  return lines;
}

function capacityText(list: DistrictList<Suspect>): string {
  const capacity = list.capacity;
  if (capacity.kind === 'unlimited') return 'no capacity given';
  if (capacity.kind === 'absent') return `capacity 0: not in ${capacity.from}`;
  return `capacity ${sitesOf(capacity)} (${capacity.from})`;
}
