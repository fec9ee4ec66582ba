// A streaming JSON validator over raw bytes, fed a chunk at a time, that
// reports where the members of the top-level object and the elements of
// top-level arrays lie in the file. It holds no values, so a batch of any size
// is scanned in constant memory; the batch reader then JSON.parses one
// consumer's text at a time. Bytes are scanned as UTF-8: structural
// characters are ASCII, which never occurs inside a multi-byte sequence.

/** A syntax error at a byte offset of the input. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export interface JsonScanEvents {
  /** A member of the top-level object: its name and the byte range [start, end) of its value. */
  member(name: string, start: number, end: number): void;
  /** Element `index` of an array that is the value of top-level member `member`; `first` is its first byte (`{`, `[`, `"`, …). */
  element(member: string, index: number, start: number, end: number, first: number): void;
}

// Scanner modes: what the next significant byte may be.
const VALUE = 0;
const VALUE_OR_CLOSE = 1; // just after '['
const KEY = 2; // after ',' in an object
const KEY_OR_CLOSE = 3; // just after '{'
const COLON = 4;
const AFTER = 5; // after a value: ',' or the container's close
const STRING = 6;
const ESCAPE = 7;
const HEX = 8;
const NUMBER = 9;
const LITERAL = 10;
const END = 11; // the top-level value is complete: only whitespace may follow

const OBJECT = 1;
const ARRAY = 2;
const MAX_DEPTH = 512;
const MAX_KEY_BYTES = 1024;
const LITERALS = ['true', 'false', 'null'];

// Number states (JSON grammar): 0 after '-', 1 after a leading 0, 2 integer
// digits, 3 after '.', 4 fraction digits, 5 after 'e', 6 after the exponent's
// sign, 7 exponent digits. A number may end in states 1, 2, 4 and 7.
const NUMBER_CAN_END = [false, true, true, false, true, false, false, true];
const NOT_NUMBER = -1;
const LEADING_ZERO = -2;
/** NUMBER_NEXT[state << 8 | byte]: the next number state, NOT_NUMBER when the byte ends the number, or LEADING_ZERO. */
const NUMBER_NEXT = (() => {
  const next = new Int8Array(8 << 8).fill(NOT_NUMBER);
  const digits = (state: number, to: number) => {
    for (let d = 0x30; d <= 0x39; d++) next[(state << 8) | d] = to;
  };
  digits(0, 2);
  next[(0 << 8) | 0x30] = 1;
  digits(1, LEADING_ZERO);
  for (const state of [2, 4]) digits(state, state);
  digits(3, 4);
  for (const state of [5, 6, 7]) digits(state, 7);
  for (const state of [1, 2]) next[(state << 8) | 0x2e] = 3;
  for (const state of [1, 2, 4]) next[(state << 8) | 0x65] = next[(state << 8) | 0x45] = 5;
  next[(5 << 8) | 0x2b] = next[(5 << 8) | 0x2d] = 6;
  return next;
})();

const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const keyDecoder = new TextDecoder('utf-8', { fatal: true });

function syntax(at: number, message: string): never {
  throw new JsonSyntaxError(at, message);
}

/** How a byte reads in an error message. */
export function describeByte(c: number): string {
  if (c < 0) return 'the end of the file';
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  if (c >= 0x80) return 'a non-ASCII character';
  return `the control character 0x${c.toString(16).padStart(2, '0')}`;
}

export class JsonScanner {
  private mode = VALUE;
  private readonly stack = new Uint8Array(MAX_DEPTH);
  private depth = 0;
  private offset = 0; // file offset of the next chunk's first byte
  private stringIsKey = false;
  private hexLeft = 0;
  private numberState = 0;
  private literal = '';
  private literalAt = 0;
  private readonly keyBytes = new Uint8Array(MAX_KEY_BYTES);
  private keyLength = 0;
  private capturingKey = false;
  private memberName = '';
  private memberStart = 0;
  private elementStart = 0;
  private elementFirst = 0;
  private elementIndex = 0;

  constructor(private readonly events: JsonScanEvents) {}

  /** Scans the next bytes of the input. Throws JsonSyntaxError at the first error. */
  feed(chunk: Uint8Array): void {
    const base = this.offset;
    const n = chunk.length;
    let i = 0;
    if (base === 0 && n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // a UTF-8 byte order mark
    let mode = this.mode;
    const fail = (at: number, message: string): never => {
      throw new JsonSyntaxError(base + at, message);
    };
    while (i < n) {
      const c = chunk[i]!;
      switch (mode) {
        case NUMBER: {
          // The hot path of a batch: whole numbers in this loop, and in an
          // array below the reported depths, the next number after a ',' too.
          const inArray = this.depth > 2 && this.stack[this.depth - 1] === ARRAY;
          let s = this.numberState;
          let j = i;
          for (;;) {
            let next = NOT_NUMBER;
            for (; j < n; j++) {
              next = NUMBER_NEXT[(s << 8) | chunk[j]!]!;
              if (next < 0) break;
              s = next;
            }
            if (j === n) break;
            if (next === LEADING_ZERO) fail(j, 'a number may not have a leading zero');
            if (!NUMBER_CAN_END[s]) fail(j, `invalid number: expected a digit, got ${describeByte(chunk[j]!)}`);
            if (inArray && chunk[j] === 0x2c && j + 1 < n) {
              const b = chunk[j + 1]!;
              if (isDigit(b) || b === 0x2d) {
                s = b === 0x2d ? 0 : b === 0x30 ? 1 : 2;
                j += 2;
                continue;
              }
            }
            mode = this.valueEnded(base + j);
            break;
          }
          this.numberState = s;
          i = j; // the byte that ended the number is read again in the new mode
          continue;
        }
        case STRING: {
          let j = i;
          for (; j < n; j++) {
            const b = chunk[j]!;
            if (b === 0x22 || b === 0x5c) break;
            if (b < 0x20) fail(j, `${describeByte(b)} must be escaped inside a string`);
          }
          if (this.capturingKey) this.captureKey(chunk, i, j);
          if (j === n) {
            i = j;
            continue;
          }
          if (chunk[j] === 0x5c) {
            if (this.capturingKey) this.captureKey(chunk, j, j + 1);
            mode = ESCAPE;
          } else if (this.stringIsKey) {
            if (this.capturingKey) {
              this.memberName = this.decodeKey(base + j);
              this.capturingKey = false;
            }
            mode = COLON;
          } else mode = this.valueEnded(base + j + 1);
          i = j + 1;
          continue;
        }
        case ESCAPE:
          if (this.capturingKey) this.captureKey(chunk, i, i + 1);
          if (c === 0x75) {
            this.hexLeft = 4;
            mode = HEX;
          } else if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) mode = STRING;
          else fail(i, `invalid escape: '\\' followed by ${describeByte(c)}`);
          break;
        case HEX:
          if (!isHex(c)) fail(i, `expected 4 hex digits after '\\u', got ${describeByte(c)}`);
          if (this.capturingKey) this.captureKey(chunk, i, i + 1);
          if (--this.hexLeft === 0) mode = STRING;
          break;
        case LITERAL:
          if (c !== this.literal.charCodeAt(this.literalAt)) fail(i, `invalid literal: expected '${this.literal}'`);
          if (++this.literalAt === this.literal.length) mode = this.valueEnded(base + i + 1);
          break;
        default:
          if (isWhitespace(c)) break;
          mode = this.structural(mode, c, base + i);
      }
      i++;
    }
    this.mode = mode;
    this.offset = base + n;
  }

  /** Ends the input. Throws JsonSyntaxError when it is incomplete. */
  finish(): void {
    const at = this.offset;
    if (this.mode === NUMBER && NUMBER_CAN_END[this.numberState]) this.mode = this.valueEnded(at);
    if (this.mode === END) return;
    if (at === 0 || (this.mode === VALUE && this.depth === 0)) throw new JsonSyntaxError(at, 'the file is empty; expected a JSON object');
    const inside = this.mode === STRING || this.mode === ESCAPE || this.mode === HEX ? ' inside a string' : this.depth > 0 ? ` with ${this.depth} unclosed ${this.depth === 1 ? 'bracket' : 'brackets'}` : '';
    throw new JsonSyntaxError(at, `unexpected end of the file${inside}`);
  }

  /** A significant byte outside strings, numbers and literals. */
  private structural(mode: number, c: number, at: number): number {
    switch (mode) {
      case VALUE:
      case VALUE_OR_CLOSE:
        if (mode === VALUE_OR_CLOSE && c === 0x5d) return this.close(ARRAY, at);
        return this.valueStarted(c, at, mode === VALUE_OR_CLOSE ? "a value or ']'" : 'a value');
      case KEY:
      case KEY_OR_CLOSE:
        if (mode === KEY_OR_CLOSE && c === 0x7d) return this.close(OBJECT, at);
        if (c !== 0x22) syntax(at, `expected a member name in double quotes${mode === KEY_OR_CLOSE ? " or '}'" : ''}, got ${describeByte(c)}`);
        this.stringIsKey = true;
        this.capturingKey = this.depth === 1;
        this.keyLength = 0;
        return STRING;
      case COLON:
        if (c !== 0x3a) syntax(at, `expected ':' after the member name, got ${describeByte(c)}`);
        return VALUE;
      case AFTER: {
        const container = this.stack[this.depth - 1];
        if (c === 0x2c) return container === OBJECT ? KEY : VALUE;
        if (container === OBJECT) {
          if (c === 0x7d) return this.close(OBJECT, at);
          return syntax(at, `expected ',' or '}' after an object member, got ${describeByte(c)}`);
        }
        if (c === 0x5d) return this.close(ARRAY, at);
        return syntax(at, `expected ',' or ']' after an array element, got ${describeByte(c)}`);
      }
      default: // END
        return syntax(at, `unexpected ${describeByte(c)} after the end of the JSON object`);
    }
  }

  private valueStarted(c: number, at: number, expected: string): number {
    const depth = this.depth;
    if (depth === 0 && c !== 0x7b) syntax(at, `expected a JSON object ('{'), got ${describeByte(c)}`);
    if (depth === 1) this.memberStart = at;
    else if (depth === 2 && this.stack[1] === ARRAY) {
      this.elementStart = at;
      this.elementFirst = c;
    }
    if (c === 0x7b || c === 0x5b) {
      if (depth === MAX_DEPTH) syntax(at, `nested more than ${MAX_DEPTH} levels deep`);
      if (depth === 1) this.elementIndex = 0;
      this.stack[this.depth++] = c === 0x7b ? OBJECT : ARRAY;
      return c === 0x7b ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
    }
    if (c === 0x22) {
      this.stringIsKey = false;
      this.capturingKey = false;
      return STRING;
    }
    if (c === 0x2d || isDigit(c)) {
      this.numberState = c === 0x2d ? 0 : c === 0x30 ? 1 : 2;
      return NUMBER;
    }
    const literal = LITERALS.find((word) => word.charCodeAt(0) === c);
    if (literal) {
      this.literal = literal;
      this.literalAt = 1;
      return LITERAL;
    }
    return syntax(at, `expected ${expected}, got ${describeByte(c)}`);
  }

  private close(container: number, at: number): number {
    if (this.stack[this.depth - 1] !== container) throw new JsonSyntaxError(at, `unexpected ${container === OBJECT ? "'}'" : "']'"}`);
    this.depth--;
    return this.valueEnded(at + 1);
  }

  /** A value at the current depth ended just before `end`: report it, and say what may follow. */
  private valueEnded(end: number): number {
    const depth = this.depth;
    if (depth === 1) this.events.member(this.memberName, this.memberStart, end);
    else if (depth === 2 && this.stack[1] === ARRAY) this.events.element(this.memberName, this.elementIndex++, this.elementStart, end, this.elementFirst);
    return depth === 0 ? END : AFTER;
  }

  private captureKey(chunk: Uint8Array, from: number, to: number): void {
    const take = Math.min(to - from, MAX_KEY_BYTES - this.keyLength);
    if (take > 0) this.keyBytes.set(chunk.subarray(from, from + take), this.keyLength);
    this.keyLength += to - from;
  }

  private decodeKey(at: number): string {
    if (this.keyLength > MAX_KEY_BYTES) return `${keyDecoder.decode(this.keyBytes.subarray(0, 40))}...`;
    try {
      return JSON.parse(`"${keyDecoder.decode(this.keyBytes.subarray(0, this.keyLength))}"`) as string;
    } catch {
      throw new JsonSyntaxError(at, 'the member name is not valid UTF-8');
    }
  }
}
