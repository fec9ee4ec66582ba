// The follow-up column of an inspection list: what is known of a watched
// site's follow-up (Consumer.watch, ../shared/spec/followup.md).
// - From a batch (or a CSV export with an accounts file's watch and since
//   columns): the status and its date, e.g. "rectified since 2026-10-01",
//   noted from each block's consumers as the scorer reads them.
// - From a former response: results do not carry the watch, only what a rule
//   read: a result whose evidence has a defined watch_days was watched
//   ("watched, 12 days since"); otherwise the column is empty, watched or not.
import type { ConsumerIndex } from '../../engine/src/index.js';
import { WATCH_WORDS } from '../../engine/src/rules/program.js';
import { observeConsumers, type BatchFile } from '../batch-file.js';
import { formatValue } from './comparisons.js';

const WATCH_NAMES = new Map<number, string>(Object.entries(WATCH_WORDS).map(([word, code]) => [code, word]));

/** The watch of the batch's watched consumers by id (the first consumer of an id): a few per cent of a batch. */
export class WatchNotes {
  private readonly watched = new Map<string, string>();

  /** `batch` with each block's watched consumers noted once its reader (the scorer) took the block. */
  observe(batch: BatchFile): BatchFile {
    return observeConsumers(batch, (index) => this.note(index));
  }

  /** "rectified since 2026-10-01", "closed", … ; '' for a consumer not watched. */
  of(id: string): string {
    return this.watched.get(id) ?? '';
  }

  private note(index: ConsumerIndex): void {
    for (let c = 0; c < index.count; c++) {
      const status = index.watchStatus[c]!;
      const id = index.ids[c]!;
      if (status === 0 || this.watched.has(id)) continue;
      const word = WATCH_NAMES.get(status) ?? `status ${status}`;
      const since = index.watchSince[c] ?? '';
      this.watched.set(id, since === '' ? word : `${word} since ${since}`);
    }
  }
}

/** What a former response's result tells of its follow-up: "watched, N days since" when a fired rule read a defined watch_days. */
export function followUpFromEvidence(evidence: readonly { readonly values: Readonly<Record<string, number>> }[]): string {
  for (const { values } of evidence) {
    const days = values['watch_days'];
    if (days !== undefined && !Number.isNaN(days)) return `watched, ${formatValue(days)} days since`;
  }
  return '';
}
