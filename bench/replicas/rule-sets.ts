// What each replica serves: its ListRuleSets (Connect JSON, straight to the
// replica, not through the balancer), as `id@version digest` lines, sorted.
// Replicas that read the same folder must list the same lines.
export async function servedRuleSets(base: string): Promise<string[]> {
  const response = await fetch(`${base}/gridcode.v1.ScoringService/ListRuleSets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (!response.ok) throw new Error(`ListRuleSets at ${base}: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { ruleSets?: { id: string; version: string; digest: string }[] };
  return (body.ruleSets ?? []).map((r) => `${r.id}@${r.version} ${r.digest}`).sort();
}

/** Each replica's list, once every one of them lists `want` (polled every 50 ms); rejects after `ms` with what each had. */
export async function untilAllServe(bases: readonly string[], want: (lines: string[]) => boolean, ms = 10_000): Promise<string[][]> {
  const until = performance.now() + ms;
  for (;;) {
    const lists = await Promise.all(bases.map(servedRuleSets));
    if (lists.every(want)) return lists;
    if (performance.now() > until) throw new Error(`replicas did not all reload in ${ms} ms: ${JSON.stringify(lists)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
