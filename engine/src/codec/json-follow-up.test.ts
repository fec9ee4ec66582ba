// The follow-up fields of Consumer (group, baselineKw, watch) in the JSON
// request codec, against @bufbuild/protobuf's canonical proto3 JSON reading of
// the same text (built from proto/ by buf: an independent implementation):
// what jsonRequestToProto encodes decodes to what fromJson reads. And the
// same strictness as the other fields: a bad value is invalid_argument naming
// its path.
import type { JsonValue } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchError } from '../../../tests/support/wire.js';
import { bothWays, ours, request } from '../../../tests/support/json-both-ways.js';


const WATCH_NAMES = ['WATCH_STATUS_UNSPECIFIED', 'WATCH_STATUS_RECTIFIED', 'WATCH_STATUS_CLOSED', 'WATCH_STATUS_RESTRICTED', 'WATCH_STATUS_CLEARED'];

describe('follow-up fields in JSON requests', () => {
  it('reads group, baselineKw and watch (status by name or number) as the canonical mapping does', () => {
    const json = request([
      { id: 'a', loadKw: [1, 2], group: '台区-17', baselineKw: 2.5, watch: { status: 'WATCH_STATUS_CLOSED', since: '2026-10-01' } },
      { id: 'b', loadKw: [1], baseline_kw: 'NaN', watch: { status: 3 } },
      { id: 'c', loadKw: [1], baselineKw: '-Infinity', watch: { since: '2026-02-30' }, group: '' },
      { id: 'd', loadKw: [1], group: null, baselineKw: null, watch: null },
      { id: 'e', loadKw: [1], watch: { status: null, since: null } },
      { id: 'f', loadKw: [1], watch: {} },
    ]);
    const { reference, ours } = bothWays(json);
    expect(ours).toEqual(reference);
    const consumers = (ours as { consumers: Record<string, unknown>[] }).consumers;
    expect(consumers[0]).toMatchObject({ group: '台区-17', baselineKw: 2.5, watch: { status: 'WATCH_STATUS_CLOSED', since: '2026-10-01' } });
    expect(consumers[1]).toMatchObject({ baselineKw: 'NaN', watch: { status: 'WATCH_STATUS_RESTRICTED' } });
  });

  it.each([
    ['an unknown Watch member', { watch: { status: 1, from: '2026-01-01' } }, /consumers\[0\]\.watch: unknown field "from"; a Watch has status, since/],
    ['a status name that does not exist', { watch: { status: 'WATCH_STATUS_REOPENED' } }, /consumers\[0\]\.watch\.status: expected one of WATCH_STATUS_UNSPECIFIED, .*WATCH_STATUS_CLEARED \(or its number\), got "WATCH_STATUS_REOPENED"/],
    ['a status number the contract does not define', { watch: { status: 9 } }, /consumers\[0\]\.watch\.status: expected one of .* got 9/],
    ['a short status name', { watch: { status: 'CLOSED' } }, /watch\.status: expected one of/],
    ['since as a number', { watch: { status: 1, since: 20261001 } }, /consumers\[0\]\.watch\.since: expected a string, got 20261001/],
    ['watch as a string', { watch: 'WATCH_STATUS_CLOSED' }, /consumers\[0\]\.watch: expected an object, got "WATCH_STATUS_CLOSED"/],
    ['watch as an array', { watch: [] }, /consumers\[0\]\.watch: expected an object, got an array/],
    ['group as a number', { group: 17 }, /consumers\[0\]\.group: expected a string, got 17/],
    ['baselineKw as text', { baselineKw: 'high' }, /consumers\[0\]\.baselineKw: expected a number or "NaN"\/"Infinity", got "high"/],
    ['baselineKw beyond float range', { baselineKw: 1e39 }, /consumers\[0\]\.baselineKw: 1e\+39 is out of range for a float/],
    ['baselineKw given twice', { baselineKw: 1, baseline_kw: 2 }, /consumers\[0\]: baseline_kw is given twice \(as "baselineKw" and "baseline_kw"\)/],
    ['a misspelt field', { baseline: 1 }, /unknown field "baseline"; a Consumer has .*group, baselineKw, watch/],
  ] as const)('%s is invalid_argument naming its path', (_, fields, message) => {
    const error = batchError(() => ours(request([{ loadKw: [1], ...fields }])));
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toMatch(message);
  });

  it('property: random follow-up fields read as @bufbuild/protobuf reads them', () => {
    const consumer = fc.record(
      {
        id: fc.string({ maxLength: 6 }),
        loadKw: fc.array(fc.float({ noDefaultInfinity: true, noNaN: true }), { maxLength: 3 }),
        group: fc.option(fc.string({ unit: 'grapheme', maxLength: 10 })),
        baselineKw: fc.option(fc.oneof(fc.float({ noDefaultInfinity: true, noNaN: true }), fc.constantFrom('NaN', 'Infinity', '-Infinity', '1.5e3', 0))),
        watch: fc.option(
          fc.record(
            { status: fc.option(fc.oneof(fc.constantFrom(...WATCH_NAMES), fc.integer({ min: 0, max: 4 }))), since: fc.option(fc.oneof(fc.constantFrom('', '2026-02-30', '2026-10-01'), fc.string({ maxLength: 12 }))) },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: ['id'] },
    );
    fc.assert(
      fc.property(fc.array(consumer, { maxLength: 5 }), (consumers) => {
        const json = JSON.parse(JSON.stringify(request(consumers))) as JsonValue;
        const { reference, ours } = bothWays(json);
        expect(ours).toEqual(reference);
      }),
      { numRuns: 300 },
    );
  });
});
