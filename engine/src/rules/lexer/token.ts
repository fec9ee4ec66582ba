// Tokens of the rule expression language. Each carries the span of its text so
// that every later error can point at it. The spelled alternatives (`&&`, `||`,
// `!`) are folded into the word operators here: `kind` is what the parser
// sees, `text` is what the author wrote (quoted back in messages).
import type { Span } from '../diagnostics.js';

export type TokenKind =
  | 'number'
  | 'ident'
  | 'true'
  | 'false'
  | 'and'
  | 'or'
  | 'not'
  | 'in'
  | '+'
  | '-'
  | '*'
  | '/'
  | '<'
  | '<='
  | '>'
  | '>='
  | '=='
  | '!='
  | '('
  | ')'
  | '['
  | ']'
  | ','
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly span: Span;
  /** Only for `number`. */
  readonly value?: number;
}

/** Reserved words; an identifier may not be one of these. */
export const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'true', 'false']);

export const COMPARISONS: ReadonlySet<TokenKind> = new Set(['<', '<=', '>', '>=', '==', '!=']);

/** How a token is named in messages: `end of expression` rather than an empty quote. */
export function describe(token: Token): string {
  if (token.kind === 'eof') return 'the end of the expression';
  if (token.kind === 'number') return `number ${token.text}`;
  if (token.kind === 'ident') return `name \`${token.text}\``;
  return `\`${token.text}\``;
}
