// Accounts files on random accounts: header names in any case and order, the
// three separators, words in their accepted spellings, unknown words,
// unreadable numbers, duplicate ids, ignored columns. Each file is written
// from a plan; the Consumer bytes of each joined consumer are decoded with the
// generated protobuf classes and must carry exactly the planned account's
// fields, and the report's counts must be the plan's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import protobuf from 'protobufjs/minimal.js';
import { afterAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { CATEGORY_WORDS, ZONE_WORDS } from '../../engine/src/index.js';
import { WATCH_WORDS } from '../../engine/src/rules/program.js';
import { plainFile } from '../input/source.js';
import { AccountsJoin } from './accounts-join.js';
import { readAccounts } from './accounts.js';
import { encodeConsumer } from './wide-csv-batch.js';

const dir = mkdtempSync(join(tmpdir(), 'gridcode-accounts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An enum cell: a word (value known), empty, or a word of no table. */
type Word = { t: 'word'; text: string; value: number } | { t: 'empty' } | { t: 'bad'; text: string };
const word = (words: Readonly<Record<string, number>>, prefix: string): fc.Arbitrary<Word> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ w: fc.constantFrom(...Object.keys(words)), style: fc.integer({ min: 0, max: 3 }) }).map(({ w, style }): Word => ({ t: 'word', value: words[w]!, text: [w, w.toUpperCase(), `${prefix}${w.toUpperCase()}`, w.replace(/_/g, ' ')][style]! })) },
    { weight: 2, arbitrary: fc.constant<Word>({ t: 'empty' }) },
    { weight: 1, arbitrary: fc.constantFrom<Word>({ t: 'bad', text: 'house' }, { t: 'bad', text: 'factory' }, { t: 'bad', text: 'x1' }) },
  );
/** A number cell: kW in thousandths, empty, or text that is no number. */
type Num = { t: 'num'; milli: number } | { t: 'empty' } | { t: 'bad'; text: string };
const num: fc.Arbitrary<Num> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 2_000_000 }).map((milli): Num => ({ t: 'num', milli })) },
  { weight: 2, arbitrary: fc.constant<Num>({ t: 'empty' }) },
  { weight: 1, arbitrary: fc.constantFrom<Num>({ t: 'bad', text: 'n/a' }, { t: 'bad', text: '5kW' }) },
);
const text = fc.constantFrom('', 'T-1', 'T-2', 'Bldg 7', '东区', 'North');
const account = fc.record({
  category: word(CATEGORY_WORDS, 'CATEGORY_'),
  zone: word(ZONE_WORDS, 'ZONE_'),
  capacity: num,
  group: text,
  baseline: num,
  watch: word(WATCH_WORDS, 'WATCH_STATUS_'),
  since: fc.constantFrom('', '2026-10-01', '2026-02-30'),
  district: text,
});
type Account = typeof account extends fc.Arbitrary<infer A> ? A : never;

const COLUMNS = ['id', 'category', 'zone', 'capacity_kw', 'group', 'baseline_kw', 'watch', 'since', 'district', 'notes'] as const;
const scenario = fc.record({
  accounts: fc.array(account, { minLength: 1, maxLength: 30 }),
  separator: fc.constantFrom(',', ';', '\t'),
  order: fc.shuffledSubarray([...COLUMNS], { minLength: COLUMNS.length }),
  upper: fc.boolean(),
  duplicates: fc.array(fc.nat(), { maxLength: 4 }),
  fillCategory: fc.constantFrom(0, 3),
});

function cellText(cell: Word | Num, separator: string): string {
  if (cell.t === 'empty') return '';
  if (cell.t === 'bad') return cell.text;
  if (cell.t === 'word') return cell.text;
  const kw = String(cell.milli / 1000);
  return separator === ';' ? kw.replace('.', ',') : kw;
}

/** Field 10 (district) of a Consumer message, read off the wire. */
function districtField(bytes: Uint8Array): string {
  const reader = protobuf.Reader.create(bytes);
  let district = '';
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 10) district = reader.string();
    else reader.skipType(tag & 7);
  }
  return district;
}

describe('an accounts file', () => {
  it('gives each consumer exactly its account row\'s fields, in the Consumer bytes', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ accounts, separator, order, upper, duplicates, fillCategory }) => {
        const ids = accounts.map((_, i) => `C${i}`);
        const cells = (a: Account, id: string): Record<string, string> => ({
          id: ` ${id} `,
          category: cellText(a.category, separator),
          zone: cellText(a.zone, separator),
          capacity_kw: cellText(a.capacity, separator),
          group: a.group,
          baseline_kw: cellText(a.baseline, separator),
          watch: cellText(a.watch, separator),
          since: a.since,
          district: a.district,
          notes: 'x',
        });
        const rows = accounts.map((a, i) => cells(a, ids[i]!));
        // A later row of an id: another account's cells, all dropped.
        for (const d of duplicates) rows.push(cells(accounts[(d + 1) % accounts.length]!, ids[d % ids.length]!));
        const header = order.map((c) => (upper ? c.toUpperCase() : c)).join(separator);
        const path = join(dir, 'accounts.csv');
        writeFileSync(path, `${header}\n${rows.map((r) => order.map((c) => r[c]).join(separator)).join('\n')}\n`);

        const table = await readAccounts(plainFile(path));
        const accountsJoin = new AccountsJoin(table, fillCategory, 0);
        const writer = protobuf.Writer.create();
        accounts.forEach((a, i) => {
          writer.reset();
          encodeConsumer(writer, ids[i]!, accountsJoin.attributesOf(ids[i]!, i), new Float32Array([1, 2]));
          const bytes = writer.finish();
          const consumer = gridcode.v1.Consumer.decode(bytes);
          const enumOf = (w: Word, fill: number) => (w.t === 'word' ? w.value : w.t === 'empty' ? fill : 0);
          const kw = (n: Num) => (n.t === 'num' ? Math.fround(n.milli / 1000) : 0);
          expect(consumer.id).toBe(ids[i]);
          expect(consumer.category).toBe(enumOf(a.category, fillCategory));
          expect(consumer.zone).toBe(enumOf(a.zone, 0));
          expect(consumer.capacityKw).toBe(kw(a.capacity));
          expect(consumer.baselineKw).toBe(kw(a.baseline));
          expect(consumer.group).toBe(a.group);
          const status = enumOf(a.watch, 0);
          if (status === 0 && a.since === '') expect(consumer.watch).toBeNull();
          else expect({ status: consumer.watch?.status, since: consumer.watch?.since }).toEqual({ status, since: a.since });
          expect(districtField(bytes)).toBe(a.district);
          expect(Array.from(consumer.loadKw)).toEqual([1, 2]);
        });
        const report = accountsJoin.report();
        const bad = (pick: (a: Account) => Word | Num) => accounts.filter((a) => pick(a).t === 'bad').length;
        const badCounts = Object.fromEntries(Object.entries(report.badCells).map(([field, c]) => [field, c!.count]));
        const expected = { category: bad((a) => a.category), zone: bad((a) => a.zone), capacityKw: bad((a) => a.capacity), baselineKw: bad((a) => a.baseline), watchStatus: bad((a) => a.watch) };
        expect(badCounts).toEqual(Object.fromEntries(Object.entries(expected).filter(([, count]) => count > 0)));
        expect(report.sinceNotCalendar?.count ?? 0).toBe(accounts.filter((a) => a.since === '2026-02-30').length);
        expect(report).toMatchObject({ rows: accounts.length + duplicates.length, accounts: accounts.length, ignoredColumns: [upper ? 'NOTES' : 'notes'], duplicateRows: { count: duplicates.length }, consumersWithoutAccount: { count: 0 }, accountsWithoutReadings: { count: 0 } });
      }),
      { numRuns: 150 },
    );
  });

  it('counts consumers with no row and rows with no consumer; --category fills empty cells, never a consumer with no row', async () => {
    const path = join(dir, 'join.csv');
    writeFileSync(path, '\uFEFFId\tCATEGORY\n a \tcommercial\nb\t\nextra-1\tindustrial\nextra-2\t\n');
    const table = await readAccounts(plainFile(path));
    const accountsJoin = new AccountsJoin(table, 4, 0);
    const asked = ['a', 'b', 'ghost', 'ghost', 'a'].map((id, i) => accountsJoin.attributesOf(id, i === 3 ? 2 : i).category);
    expect(asked).toEqual([2, 4, 0, 0, 2]);
    expect(accountsJoin.report()).toMatchObject({
      separator: '\t',
      consumersWithoutAccount: { count: 1, firstIds: ['ghost'] },
      accountsWithoutReadings: { count: 2, firstIds: ['extra-1', 'extra-2'] },
    });
  });

  it('without an id column, or empty, is an error naming what is wrong', async () => {
    const noId = join(dir, 'noid.csv');
    writeFileSync(noId, 'account;category\n1;residential\n');
    await expect(readAccounts(plainFile(noId))).rejects.toThrow(/no id column .* its header has "account", "category"/);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    await expect(readAccounts(plainFile(empty))).rejects.toThrow(/the accounts file is empty/);
  });
});
