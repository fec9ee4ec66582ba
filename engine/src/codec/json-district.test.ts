// Consumer.district in JSON requests, against @bufbuild/protobuf's canonical
// proto3 JSON reading of the same text (built from proto/ by buf): what
// jsonRequestToProto encodes decodes to what fromJson reads; a bad value is
// invalid_argument naming its path, as for `group`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchError } from '../../../tests/support/wire.js';
import { bothWays, ours, request } from '../../../tests/support/json-both-ways.js';
import { scanRequest } from '../wire/request.js';
import { scanConsumers } from '../wire/consumers.js';


describe('district in JSON requests', () => {
  it('reads district as the canonical mapping does, and the wire scan finds it in the encoding', () => {
    const json = request([
      { id: 'a', loadKw: [1], district: '海淀区', group: 'g' },
      { id: 'b', loadKw: [1], district: '' },
      { id: 'c', loadKw: [1], district: null },
      { id: 'd', loadKw: [1] },
    ]);
    const { reference, ours: mine } = bothWays(json);
    expect(mine).toEqual(reference);
    const { consumers } = scanRequest(ours(json));
    expect(scanConsumers(consumers.bytes, consumers.spans).districts()).toEqual(['海淀区', '', '', '']);
  });

  it('property: any district text round-trips as @bufbuild reads it', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string({ unit: 'grapheme', maxLength: 20 }), { nil: undefined }), { minLength: 1, maxLength: 8 }), (districts) => {
        const json = request(districts.map((district, i) => (district === undefined ? { id: `c${i}` } : { id: `c${i}`, district })));
        const { reference, ours: mine } = bothWays(json);
        expect(mine).toEqual(reference);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['district as a number', { district: 17 }, /consumers\[0\]\.district: expected a string, got 17/],
    ['district as a list', { district: ['north'] }, /consumers\[0\]\.district: expected a string, got an array/],
    ['district as an object', { district: { name: 'north' } }, /consumers\[0\]\.district: expected a string/],
    ['a wrongly cased District', { District: 'north' }, /unknown field "District"; a Consumer has .*watch, district/],
  ] as const)('%s is invalid_argument naming its path', (_, fields, message) => {
    const error = batchError(() => ours(request([{ loadKw: [1], ...fields }])));
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toMatch(message);
  });
});
