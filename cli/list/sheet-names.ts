// Worksheet names as Excel requires them: 1 to 31 characters (UTF-16 units),
// none of : \ / ? * [ ], not starting or ending with an apostrophe, not
// "History" (reserved by Excel), and unique regardless of case. A district
// name is kept as far as these allow; a clash gets " (2)", " (3)" … within
// the 31 characters.
const MAX_LENGTH = 31;
const FORBIDDEN = /[:\\/?*[\]]/g;
const RESERVED = 'history';

/** Gives each wanted name a sheet name, in order; the same name twice gets two sheets. */
export class SheetNames {
  private readonly taken = new Set<string>();

  name(wanted: string): string {
    const base = tidy(clip(tidy(wanted.replace(FORBIDDEN, '_').replace(/[\u0000-\u001f]/g, ' ')), MAX_LENGTH)) || 'Sheet';
    let name = base;
    for (let n = 2; this.taken.has(name.toLowerCase()) || name.toLowerCase() === RESERVED; n++) {
      const suffix = ` (${n})`;
      name = `${tidy(clip(base, MAX_LENGTH - suffix.length))}${suffix}`;
    }
    this.taken.add(name.toLowerCase());
    return name;
  }
}

/** Without spaces or apostrophes at either end (an apostrophe may neither start nor end a sheet name). */
function tidy(text: string): string {
  return text.replace(/^[\s']+|[\s']+$/g, '');
}

/** The first `length` UTF-16 units of `text`, without cutting a surrogate pair in two. */
function clip(text: string, length: number): string {
  if (text.length <= length) return text;
  const cut = text.slice(0, length);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
