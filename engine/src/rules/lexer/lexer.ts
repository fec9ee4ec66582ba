// Turns a `when` expression into tokens. Never stops at the first problem: an
// unknown character is reported and skipped, and common slips (`=`, `&`,
// `AND`, `.5`) are reported with the fix and lexed as what was surely meant, so
// that one run of the compiler shows every mistake of a rule set.
//
// Numbers: digits, an optional fraction with at least one digit on each side
// of the point, an optional exponent (`12`, `0.35`, `1e-3`, `2.5E+4`). `.5`
// and `5.` are rejected (with the fix) because YAML authors also read these
// files, and a stray point is more often a typo than a number. A number that
// is not a finite float64 (`1e999`) or underflows to zero (`1e-999`) is an error.
import type { Span } from '../diagnostics.js';
import { problem, type Problem } from '../problem.js';
import { KEYWORDS, type Token, type TokenKind } from './token.js';

export interface LexResult {
  readonly tokens: Token[];
  readonly problems: Problem[];
}

const SINGLE: Readonly<Record<string, TokenKind>> = {
  '+': '+', '-': '-', '*': '*', '/': '/', '(': '(', ')': ')', '[': '[', ']': ']', ',': ',',
};

/** Characters other languages use, lexed as ours after a message saying so. */
const LOOKALIKES: Readonly<Record<string, { kind: TokenKind; message: string }>> = {
  '≤': { kind: '<=', message: 'write `<=` instead of `≤`' },
  '≥': { kind: '>=', message: 'write `>=` instead of `≥`' },
  '≠': { kind: '!=', message: 'write `!=` instead of `≠`' },
};

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdentStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isIdentPart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const problems: Problem[] = [];
  const push = (kind: TokenKind, start: number, end: number, value?: number): void => {
    tokens.push(value === undefined ? { kind, text: text.slice(start, end), span: { start, end } } : { kind, text: text.slice(start, end), span: { start, end }, value });
  };
  const report = (message: string, span: Span): void => {
    problems.push(problem('syntax', message, span));
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const start = i;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      i = lexNumber(text, i, push, report);
    } else if (isIdentStart(c)) {
      while (isIdentPart(text[i])) i++;
      const word = text.slice(start, i);
      const lower = word.toLowerCase();
      if (KEYWORDS.has(word)) push(word as TokenKind, start, i);
      else if (KEYWORDS.has(lower)) {
        // `AND`, `True`: keywords are lower case; lex it as the keyword.
        report(`keywords are lower case: write \`${lower}\``, { start, end: i });
        push(lower as TokenKind, start, i);
      } else push('ident', start, i);
    } else if (SINGLE[c] !== undefined) {
      push(SINGLE[c], start, ++i);
    } else if (c === '<' || c === '>') {
      i += text[i + 1] === '=' ? 2 : 1;
      push(text.slice(start, i) as TokenKind, start, i);
    } else if (c === '=') {
      if (text[i + 1] === '=') push('==', start, (i += 2));
      else {
        report('`=` assigns in other languages; compare with `==`', { start, end: i + 1 });
        push('==', start, ++i);
      }
    } else if (c === '!') {
      if (text[i + 1] === '=') push('!=', start, (i += 2));
      else push('not', start, ++i);
    } else if (c === '&' || c === '|') {
      const kind = c === '&' ? 'and' : 'or';
      if (text[i + 1] === c) push(kind, start, (i += 2));
      else {
        report(`write \`${c}${c}\` or \`${kind}\`; a single \`${c}\` is not an operator`, { start, end: i + 1 });
        push(kind, start, ++i);
      }
    } else if (LOOKALIKES[c] !== undefined) {
      report(LOOKALIKES[c].message, { start, end: i + 1 });
      push(LOOKALIKES[c].kind, start, ++i);
    } else {
      // Whole code point, so that an emoji is one error with a one-character caret.
      const cp = text.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      const shown = String.fromCodePoint(cp);
      const hint = c === '"' || c === "'" ? ': enum words are written bare, e.g. category == residential' : '';
      report(`unexpected character \`${shown}\`${hint}`, { start, end: i + width });
      i += width;
    }
  }
  push('eof', text.length, text.length);
  return { tokens, problems };
}

type Push = (kind: TokenKind, start: number, end: number, value?: number) => void;
type Report = (message: string, span: Span) => void;

/** Lexes the number at `start`; returns the offset after it. */
function lexNumber(text: string, start: number, push: Push, report: Report): number {
  let i = start;
  while (isDigit(text[i])) i++;
  const intDigits = i - start;
  let ok = true;
  if (text[i] === '.') {
    i++;
    const fracStart = i;
    while (isDigit(text[i])) i++;
    if (intDigits === 0) {
      report(`write \`0${text.slice(start, i)}\`: a number starts with a digit`, { start, end: i });
      ok = false;
    } else if (i === fracStart) {
      report(`write \`${text.slice(start, i - 1)}\` or \`${text.slice(start, i)}0\`: a point needs digits after it`, { start, end: i });
      ok = false;
    }
  }
  if ((text[i] === 'e' || text[i] === 'E') && (isDigit(text[i + 1]) || ((text[i + 1] === '+' || text[i + 1] === '-') && isDigit(text[i + 2])))) {
    i += text[i + 1] === '+' || text[i + 1] === '-' ? 2 : 1;
    while (isDigit(text[i])) i++;
  }
  const end = i;
  const value = Number(text.slice(start, end).replace(/^\./, '0.').replace(/\.$/, ''));
  if (ok && !Number.isFinite(value)) report(`number ${text.slice(start, end)} is too large for a float64`, { start, end });
  else if (ok && value === 0 && /[1-9]/.test(text.slice(start, end).replace(/[eE].*$/, ''))) {
    report(`number ${text.slice(start, end)} is too small: it would be 0`, { start, end });
  }
  push('number', start, end, value);
  if (isIdentPart(text[i])) {
    // `5kw`, `1e`: a unit or a broken exponent glued to the number.
    while (isIdentPart(text[i])) i++;
    report(`\`${text.slice(end, i)}\` cannot follow the number ${text.slice(start, end)}; units are not written`, { start: end, end: i });
  }
  return i;
}
