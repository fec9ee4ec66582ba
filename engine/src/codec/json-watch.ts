// A Consumer's `watch` in proto3 JSON: `{"status": "WATCH_STATUS_CLOSED", "since": "2026-10-01"}`
// (the status by name or number), checked with the same strictness as the
// Consumer's own fields: unknown or repeated members are errors naming their path.
import { gridcode } from '#gen/scoring.js';
import { enumValue, fieldNames, JsonValueError, jsonNames, object, string } from './json-values.js';

const WATCH_JSON_FIELDS = fieldNames('status', 'since');

export const WATCH_STATUS: Readonly<Record<string, number>> = gridcode.v1.WatchStatus as unknown as Record<string, number>;

/** A `Watch` JSON object at `path` as protobufjs properties. `since` is not checked as a date here: a bad one makes its consumer GRAY, not the batch fail. Throws JsonValueError. */
export function watchFromJson(value: unknown, path: string): gridcode.v1.Watch.$Properties {
  const members = object(value, path);
  const watch: gridcode.v1.Watch.$Properties = {};
  const given = new Map<string, string>();
  for (const jsonName in members) {
    const field = WATCH_JSON_FIELDS.get(jsonName);
    if (field === undefined) throw new JsonValueError(path, `unknown field ${JSON.stringify(jsonName)}; a Watch has ${jsonNames(WATCH_JSON_FIELDS)}`);
    const earlier = given.get(field);
    if (earlier !== undefined) throw new JsonValueError(path, `${field} is given twice (as ${JSON.stringify(earlier)} and ${JSON.stringify(jsonName)})`);
    given.set(field, jsonName);
    const v = members[jsonName];
    const at = `${path}.${jsonName}`;
    if (field === 'status') watch.status = enumValue(v, at, WATCH_STATUS);
    else watch.since = string(v, at);
  }
  return watch;
}
