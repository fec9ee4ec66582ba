// The order of districts in every outcome table: code-unit order of their
// names, the consumers without a district ('') last, as gridcode list
// orders its district lists (cli/list/ranking.ts planLists).
export function districtOrder(a: string, b: string): number {
  return a === b ? 0 : a === '' ? 1 : b === '' ? -1 : a < b ? -1 : 1;
}
