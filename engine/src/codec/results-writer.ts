// The results of a part encoded as they are added, a block at a time, so that
// a batch's results are never all held as objects: binary protobuf (each one
// a ScoreBatchResponse field 3; a repeated field's elements concatenate) or
// JSON (result lines separated by RESULT_SEPARATOR, as response-parts.ts
// puts them between jsonFrame's open and close).
import protobuf from 'protobufjs/minimal.js';
import { gridcode } from '#gen/scoring.js';
import type { Serialization } from './response-parts.js';
import { jsonResultLines, RESULT_SEPARATOR } from './response-json.js';

type ResultProperties = gridcode.v1.ConsumerResult.$Properties;

const encoder = new TextEncoder();

export class ResultsWriter {
  /** Results added so far. */
  count = 0;
  private readonly proto: protobuf.Writer | undefined;
  private readonly json: Uint8Array[] = [];
  private jsonBytes = 0;

  constructor(readonly serialization: Serialization) {
    this.proto = serialization === 'proto' ? protobuf.Writer.create() : undefined;
  }

  /** Encodes the next results (request order). */
  add(results: readonly ResultProperties[]): void {
    if (results.length === 0) return;
    if (this.proto) gridcode.v1.ScoreBatchResponse.encode({ results: results as ResultProperties[] }, this.proto);
    else {
      const lines = encoder.encode(`${this.count > 0 ? RESULT_SEPARATOR : ''}${jsonResultLines(results)}`);
      this.json.push(lines);
      this.jsonBytes += lines.length;
    }
    this.count += results.length;
  }

  /** All the results encoded; the writer is done with. */
  finish(): Uint8Array {
    if (this.proto) return this.proto.finish();
    if (this.json.length === 1) return this.json[0]!;
    const out = new Uint8Array(this.jsonBytes);
    let at = 0;
    for (const lines of this.json) {
      out.set(lines, at);
      at += lines.length;
    }
    return out;
  }

  /** The results of a whole message, encoded at once. */
  static encode(results: readonly ResultProperties[], serialization: Serialization): Uint8Array {
    const writer = new ResultsWriter(serialization);
    writer.add(results);
    return writer.finish();
  }
}
