import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../rpc/codes.js';
import { decodeBase64InPlace, encodeBase64 } from './base64.js';

/** Decodes a copy of `text` (ASCII) and returns the decoded bytes. */
function decode(text: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(text, 'latin1'));
  return bytes.slice(0, decodeBase64InPlace(bytes));
}

function errorOf(text: string): ServiceError {
  try {
    decode(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    return error as ServiceError;
  }
  throw new Error(`"${text}" decoded without an error`);
}

/** Node's encoder: the reference the decoder is checked against. */
const b64 = (bytes: Uint8Array | number[]) => Buffer.from(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes)).toString('base64');

describe('decodeBase64InPlace', () => {
  it('decodes one padded chunk as Node encodes it, for every length 0..64', () => {
    for (let n = 0; n <= 64; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 73 + n * 31) & 0xff);
      expect([n, decode(b64(data))]).toEqual([n, data]);
    }
  });

  it('decodes chunks each padded on their own, as gRPC-Web clients may flush them', () => {
    // 1, 2 and 3 bytes: "AQ==", "AgM=", "BAUG".
    expect(decode(`${b64([1])}${b64([2, 3])}${b64([4, 5, 6])}`)).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect(decode('AQ==AgM=BAUG')).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6));
  });

  it('decodes any bytes split into any chunks, each base64-encoded, with whitespace anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\n', '\r\n', '\t')), { maxLength: 6 }),
        (chunks, spaces) => {
          let text = chunks.map((chunk) => b64(chunk)).join('');
          for (const [at, space] of spaces) {
            const i = text.length === 0 ? 0 : at % (text.length + 1);
            text = text.slice(0, i) + space + text.slice(i);
          }
          expect(decode(text)).toEqual(Uint8Array.from(chunks.flatMap((chunk) => [...chunk])));
        },
      ),
    );
  });

  it('accepts a last group without its padding', () => {
    expect(decode(b64([1, 2, 3, 4]).replace(/=+$/, ''))).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(decode(b64([1, 2, 3, 4, 5]).replace(/=+$/, ''))).toEqual(Uint8Array.of(1, 2, 3, 4, 5));
  });

  it('writes the bytes at the start of the same buffer', () => {
    const bytes = new Uint8Array(Buffer.from('  AQID BAUG', 'latin1'));
    expect(decodeBase64InPlace(bytes)).toBe(6);
    expect(bytes.subarray(0, 6)).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6));
  });

  it.each([
    ['AAA*', /unexpected "\*" at byte 3/],
    ['AAAA-_AA', /unexpected "-" at byte 4/],
    ['AA\u0000A', /unexpected 0x00 at byte 2/],
    ['A===', /"=" at position 2 of a 4-character group, at byte 1/],
    ['====', /"=" at position 1 of a 4-character group, at byte 0/],
    ['AA=A', /data after "=" inside a 4-character group, at byte 3/],
    ['AAAAAA=', /ends inside the padding/],
    ['AAAAA', /ends with a single character/],
  ])('refuses %j with invalid_argument naming what is wrong', (text, message) => {
    const error = errorOf(text);
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toMatch(/^the gRPC-Web text body is not valid base64: /);
    expect(error.message).toMatch(message);
  });
});

describe('encodeBase64', () => {
  it('is Node’s padded base64, as ASCII bytes, of a view anywhere in its buffer', () => {
    const whole = Uint8Array.from({ length: 20 }, (_, i) => i * 13);
    const view = whole.subarray(3, 14);
    expect(Buffer.from(encodeBase64(view)).toString('latin1')).toBe(b64(whole.slice(3, 14)));
  });
});
