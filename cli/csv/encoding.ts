// Both readers take a CSV as UTF-8 (ASCII is UTF-8). Bytes that are no UTF-8
// character (a Windows-1252 or Latin-1 "ü" is one byte, 0xFC) are read as
// U+FFFD, and two ids that differ only there ("Müller", "Mäller") would read
// as one and merge. An id or header name with U+FFFD refuses the file: the
// encoding is the file's problem, not one consumer's, and a converted file
// keeps every id distinct. (A file that holds U+FFFD itself, as the bytes
// EF BF BD, was damaged by such a decoding before and is refused the same way.)
import { InputError } from '../errors.js';

const REPLACEMENT = '\uFFFD';

/** Throws InputError when `text` (an id or a header name on file line `line`) holds bytes that were not UTF-8. */
export function requireUtf8(name: string, line: number, what: string, text: string): void {
  if (!text.includes(REPLACEMENT)) return;
  throw new InputError(
    name,
    `line ${line}: the ${what} ${JSON.stringify(text.slice(0, 60))} has bytes that are not UTF-8 (shown as ${REPLACEMENT}): the file is in another encoding, likely Windows-1252 or Latin-1, and ids that differ only in those characters would be read as one. Convert it to UTF-8 first, e.g. iconv -f windows-1252 -t utf-8 FILE > FILE.utf8.csv`,
  );
}
