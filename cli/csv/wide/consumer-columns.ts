// The columns of a wide export's header line: the timestamp column (the first,
// or --time-column) and one consumer per other named column. A column without
// a name is not read (a separator at the end of each line makes one). Of
// columns with the same id the first is the consumer's and the later ones are
// dropped, not read, and listed in the report: two consumers with one id
// would be two results no one can tell apart.
import { InputError } from '../../errors.js';
import { requireUtf8 } from '../encoding.js';

export interface ConsumerColumns {
  readonly timeIndex: number;
  readonly timeName: string;
  /** The consumers' ids, and the record index of each one's column. */
  readonly ids: string[];
  readonly columns: number[];
  readonly headerLength: number;
  /** Cells a row needs to have every column read (unnamed or dropped columns at the end not counted). */
  readonly namedLength: number;
  readonly unnamed: number;
  readonly duplicateIds: string[];
  readonly dropped: number;
}

/** Throws InputError (`name` is the file). */
export function consumerColumns(header: string[], name: string, timeColumn: string | undefined): ConsumerColumns {
  const names = header.map((column) => column.trim());
  // The header names the consumers: ids that differ only in bytes that are not UTF-8 would merge.
  for (const column of names) requireUtf8(name, 1, 'column name', column);
  let timeIndex = 0;
  if (timeColumn !== undefined) {
    timeIndex = names.indexOf(timeColumn.trim());
    if (timeIndex < 0) {
      const shown = names.slice(0, 8).map((n) => JSON.stringify(n)).join(', ');
      throw new InputError(name, `no column named ${JSON.stringify(timeColumn)} for --time-column; the header has ${shown}${names.length > 8 ? ', …' : ''}`);
    }
  }
  const ids: string[] = [];
  const columns: number[] = [];
  let unnamed = 0;
  let dropped = 0;
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  names.forEach((id, index) => {
    if (index === timeIndex) return;
    if (id === '') {
      unnamed++;
      return;
    }
    if (seen.has(id)) {
      duplicates.add(id);
      dropped++;
      return;
    }
    seen.add(id);
    ids.push(id);
    columns.push(index);
  });
  if (ids.length === 0) throw new InputError(name, `the header has no consumer column besides the timestamp column ${JSON.stringify(names[timeIndex])}`);
  return {
    timeIndex,
    timeName: names[timeIndex]!,
    ids,
    columns,
    headerLength: names.length,
    namedLength: Math.max(timeIndex, ...columns) + 1,
    unnamed,
    duplicateIds: [...duplicates],
    dropped,
  };
}
