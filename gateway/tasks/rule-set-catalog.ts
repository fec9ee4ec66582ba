// The loaded rule sets as workers see them (a task's catalog), in a module of
// its own without imports: ValidateRuleSet's worker code may reach only
// modules that cannot read files (tests/rules/hostile-sources.test.ts), and
// protocol.ts reaches the engine's codecs.

/**
 * The loaded rule sets as workers see them: one immutable generation per
 * registry snapshot. Sources are UTF-8 in one SharedArrayBuffer, so a task
 * carries only this small index; a worker compiles each digest once.
 */
export interface RuleSetCatalog {
  readonly generation: number;
  readonly sources: SharedArrayBuffer;
  /** In the snapshot's order (by id, then version order). */
  readonly entries: readonly RuleSetEntry[];
  /** For each id, the index in `entries` of its newest version. */
  readonly newest: Readonly<Record<string, number>>;
}

export interface RuleSetEntry {
  readonly id: string;
  readonly version: string;
  readonly digest: string;
  /** The source's UTF-8 bytes in `sources`: [start, end). */
  readonly start: number;
  readonly end: number;
  /** The sources of its bases (`extends`, engine/src/rules/bases.ts), also in `sources`: compiling it needs them even when no file serves them any more. */
  readonly bases?: readonly { readonly ref: string; readonly start: number; readonly end: number }[];
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The text at [start, end) of the catalog's sources. */
export function catalogText(catalog: Pick<RuleSetCatalog, 'sources'>, start: number, end: number): string {
  // A view of shared memory cannot be decoded while another thread might write it; nothing does, but copy the few KiB anyway.
  return decoder.decode(new Uint8Array(catalog.sources, start, end - start).slice());
}
