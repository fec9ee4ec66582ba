// The enum words a person or an export writes for a consumer's category, zone
// and follow-up (watch) status, and their proto numbers: one table per enum,
// one reader for all (--category, --zone, and the cells of an accounts file).
//
// Accepted: the rule language's word (`residential`, `industrial_park`,
// `rectified`; engine/src/rules/program.ts), in any case, with or without the
// proto prefix (`CATEGORY_`, `ZONE_`, `WATCH_STATUS_`), with spaces or
// hyphens for underscores (`industrial park`, `Industrial-Park`), and the
// Chinese words a Chinese utility's account export carries (居民, 工业园区, …).
import { gridcode } from '#gen/scoring.js';
import { CATEGORY_WORDS, ZONE_WORDS } from '../../engine/src/index.js';

/** One enum: its proto prefix and its words (lower case, underscores) → proto number. */
export interface EnumWords {
  /** What it is, for messages: `category`. */
  readonly name: string;
  readonly prefix: string;
  readonly words: Readonly<Record<string, number>>;
  /** The words to name in a message (the rule language's, without `unspecified`). */
  readonly choices: readonly string[];
}

/** The Chinese words a Chinese utility's account export carries for a category (居民 and 住宅 both residential). */
const CATEGORY_CHINESE: Readonly<Record<string, number>> = {
  居民: CATEGORY_WORDS.residential,
  住宅: CATEGORY_WORDS.residential,
  商业: CATEGORY_WORDS.commercial,
  工业: CATEGORY_WORDS.industrial,
  农业: CATEGORY_WORDS.agricultural,
  其他: CATEGORY_WORDS.other,
};

const ZONE_CHINESE: Readonly<Record<string, number>> = {
  居住区: ZONE_WORDS.residential_area,
  工业园区: ZONE_WORDS.industrial_park,
  商业区: ZONE_WORDS.commercial_area,
  农村: ZONE_WORDS.rural,
  其他: ZONE_WORDS.other,
};

/** WatchStatus as the proto defines it (the generated enum: WATCH_STATUS_RECTIFIED = 1, …), lower case without the prefix. */
function watchWords(): Record<string, number> {
  const words: Record<string, number> = {};
  for (const [name, value] of Object.entries(gridcode.v1.WatchStatus as unknown as Record<string, number>)) {
    if (typeof value === 'number' && name.startsWith('WATCH_STATUS_')) words[name.slice('WATCH_STATUS_'.length).toLowerCase()] = value;
  }
  // The rule language's word for a site not watched (program.ts WATCH_WORDS).
  words['none'] = 0;
  return words;
}

export const CATEGORY: EnumWords = enumWords('category', 'CATEGORY_', CATEGORY_WORDS, CATEGORY_CHINESE);
export const ZONE: EnumWords = enumWords('zone', 'ZONE_', ZONE_WORDS, ZONE_CHINESE);
export const WATCH: EnumWords = enumWords('watch status', 'WATCH_STATUS_', watchWords(), {});

function enumWords(name: string, prefix: string, words: Readonly<Record<string, number>>, chinese: Readonly<Record<string, number>>): EnumWords {
  const choices = Object.keys(words).filter((w) => w !== 'unspecified' && w !== 'none');
  return { name, prefix, words: { ...words, ...chinese }, choices };
}

/**
 * The proto number of `text` in `table`, or undefined when it is no word of
 * it. Trimmed, any case, the prefix optional, runs of spaces, hyphens and
 * underscores read as one underscore. An empty text is undefined too: the
 * caller tells empty from unknown.
 */
export function enumCode(text: string, table: EnumWords): number | undefined {
  let word = text.trim().toLowerCase().replace(/[\s_-]+/g, '_');
  if (word === '') return undefined;
  const prefix = table.prefix.toLowerCase();
  if (word.startsWith(prefix)) word = word.slice(prefix.length);
  return Object.hasOwn(table.words, word) ? table.words[word] : undefined;
}

/** The accepted spellings, for a message: `residential, commercial, … (any case, or CATEGORY_RESIDENTIAL, …)`. */
export function enumChoices(table: EnumWords): string {
  return `${table.choices.join(', ')} (any case; or ${table.prefix}${table.choices[0]!.toUpperCase()}, …)`;
}
