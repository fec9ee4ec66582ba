// DescriptorIndex over descriptors compiled by buf from a small module with
// nesting, oneofs, a dependency chain and extensions (proto2 options), which
// gridcode's own protos do not have.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../engine/src/package-root.js';
import { DescriptorIndex } from './descriptor-index.js';

const FILES: Record<string, string> = {
  'buf.yaml': 'version: v2\n',
  'acme/base.proto': 'syntax = "proto3";\npackage acme;\nmessage Base { string id = 1; }\n',
  'acme/mid.proto': 'syntax = "proto3";\npackage acme;\nimport "acme/base.proto";\nmessage Mid { Base base = 1; }\n',
  'acme/top.proto': [
    'syntax = "proto2";',
    'package acme.top;',
    'import "acme/mid.proto";',
    'import "google/protobuf/descriptor.proto";',
    'extend google.protobuf.FieldOptions { optional string label = 50001; }',
    'message Outer {',
    '  message Inner { enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; } optional Kind kind = 1; }',
    '  oneof choice { string a = 1; int32 b = 2; }',
    '  optional acme.Mid mid = 3;',
    '  extensions 100 to 200;',
    '}',
    'extend Outer { optional string note = 150; }',
    'service Api { rpc Get(Outer) returns (Outer.Inner); }',
  ].join('\n'),
};

let dir: string;
let index: DescriptorIndex;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridcode-descriptors-'));
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const out = join(dir, 'set.binpb');
  execFileSync(join(packageRoot, 'node_modules/.bin/buf'), ['build', '--as-file-descriptor-set', '-o', out], { cwd: dir, stdio: 'pipe' });
  index = new DescriptorIndex(readFileSync(out));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fileName = (symbol: string): string | undefined => index.fileOfSymbol(symbol)?.name;

describe('DescriptorIndex', () => {
  it('finds the file of every kind of symbol', () => {
    for (const symbol of ['acme.top.Api', 'acme.top.Api.Get', 'acme.top.Outer', '.acme.top.Outer', 'acme.top.Outer.Inner', 'acme.top.Outer.Inner.Kind', 'acme.top.Outer.Inner.KIND_A', 'acme.top.Outer.choice', 'acme.top.Outer.a', 'acme.top.Outer.mid', 'acme.top.note', 'acme.top.label']) {
      expect([symbol, fileName(symbol)]).toEqual([symbol, 'acme/top.proto']);
    }
    expect(fileName('acme.Base.id')).toBe('acme/base.proto');
    expect(fileName('acme.top.Nope')).toBeUndefined();
    expect(fileName('acme.top.Outer.Inner.Kind.KIND_A')).toBeUndefined(); // enum values live beside their enum
  });

  it('lists the services', () => {
    expect(index.services).toEqual(['acme.top.Api']);
  });

  it('returns a file then its transitive dependencies, each once, as buf wrote them', () => {
    const top = index.fileByName('acme/top.proto')!;
    const names = index.withDependencies(top).map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name);
    expect(names).toEqual(['acme/top.proto', 'acme/mid.proto', 'google/protobuf/descriptor.proto', 'acme/base.proto']);
  });

  it('knows extensions by extendee and number', () => {
    expect(index.fileOfExtension('acme.top.Outer', 150)?.name).toBe('acme/top.proto');
    expect(index.fileOfExtension('.google.protobuf.FieldOptions', 50001)?.name).toBe('acme/top.proto');
    expect(index.fileOfExtension('acme.top.Outer', 151)).toBeUndefined();
    expect(index.extensionNumbers('acme.top.Outer')).toEqual([150]);
    expect(index.extensionNumbers('acme.Base')).toEqual([]);
    expect(index.extensionNumbers('acme.Nope')).toBeUndefined();
  });
});
