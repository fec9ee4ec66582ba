import { describe, expect, it } from 'vitest';
import { ServiceError } from '../rpc/codes.js';
import { concatBytes, encodeFrame, encodeTrailerFrame, FLAG_COMPRESSED, parseUnaryFrame } from './framing.js';

describe('framing', () => {
  it('round-trips a frame without copying on read', () => {
    const frame = encodeFrame(FLAG_COMPRESSED, new Uint8Array([7, 8, 9]));
    expect([...frame]).toEqual([1, 0, 0, 0, 3, 7, 8, 9]);
    expect(parseUnaryFrame(frame)).toEqual({ flags: 1, offset: 5, length: 3 });
    const inside = new Uint8Array([99, ...frame]).subarray(1);
    expect(parseUnaryFrame(inside)).toEqual({ flags: 1, offset: 6, length: 3 });
  });

  it('accepts an empty message', () => {
    expect(parseUnaryFrame(encodeFrame(0, new Uint8Array()))).toEqual({ flags: 0, offset: 5, length: 0 });
  });

  it.each([
    ['empty body', new Uint8Array()],
    ['short header', new Uint8Array([0, 0, 0])],
    ['short message', new Uint8Array([0, 0, 0, 0, 5, 1])],
    ['two messages', concatBytes([encodeFrame(0, new Uint8Array([1])), encodeFrame(0, new Uint8Array([2]))])],
    ['trailer flag', encodeFrame(0x80, new Uint8Array())],
  ])('refuses %s with invalid_argument', (_, body) => {
    expect(() => parseUnaryFrame(body)).toThrow(ServiceError);
    try {
      parseUnaryFrame(body);
    } catch (err) {
      expect((err as ServiceError).code).toBe('invalid_argument');
    }
  });

  it('writes gRPC-Web trailers as header lines after flag 0x80', () => {
    const frame = encodeTrailerFrame({ 'grpc-status': '0', 'Grpc-Message': 'ok' });
    expect(frame[0]).toBe(0x80);
    expect(new TextDecoder().decode(frame.subarray(5))).toBe('grpc-status: 0\r\ngrpc-message: ok\r\n');
  });
});
