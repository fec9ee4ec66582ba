// What server reflection looks things up in: the FileDescriptorSet that
// `buf build` makes from proto/ at build time (scripts/gen-proto.js), indexed
// by file name, by fully-qualified symbol and by extension. Each file is kept
// as the exact bytes buf wrote and served as is: re-encoding through a
// descriptor library could drop what that library does not know.
//
// Only the names are read, straight off the wire with protobufjs's Reader
// (field numbers from google/protobuf/descriptor.proto); the rest of each
// descriptor is skipped.
import protobuf from 'protobufjs/minimal.js';

export interface DescribedFile {
  readonly name: string;
  /** The serialized google.protobuf.FileDescriptorProto. */
  readonly bytes: Uint8Array;
  readonly dependencies: readonly string[];
}

type Field = { readonly field: number; readonly bytes: Uint8Array; readonly varint?: undefined } | { readonly field: number; readonly varint: number; readonly bytes?: undefined };

/** The length-delimited and varint fields of one message, in order; other wire types are skipped. */
function* fieldsOf(bytes: Uint8Array): Generator<Field> {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const wireType = tag & 7;
    if (wireType === 2) yield { field: tag >>> 3, bytes: reader.bytes() };
    else if (wireType === 0) yield { field: tag >>> 3, varint: reader.int32() };
    else reader.skipType(wireType);
  }
}

const text = new TextDecoder();
const nameOf = (bytes: Uint8Array): string => {
  for (const { field, bytes: value } of fieldsOf(bytes)) if (field === 1 && value) return text.decode(value);
  return '';
};

export class DescriptorIndex {
  private readonly files = new Map<string, DescribedFile>();
  private readonly symbols = new Map<string, DescribedFile>();
  private readonly messages = new Set<string>();
  /** Extendee (fully-qualified, no leading dot) → field number → the file declaring the extension. */
  private readonly extensions = new Map<string, Map<number, DescribedFile>>();
  private readonly serviceNames: string[] = [];

  /** From a serialized google.protobuf.FileDescriptorSet (field 1: repeated FileDescriptorProto). */
  constructor(descriptorSet: Uint8Array) {
    for (const { field, bytes } of fieldsOf(descriptorSet)) if (field === 1 && bytes) this.addFile(bytes);
  }

  /** Fully-qualified names of every service, in file order. */
  get services(): readonly string[] {
    return this.serviceNames;
  }

  fileByName(name: string): DescribedFile | undefined {
    return this.files.get(name);
  }

  /** The file defining a package-qualified service, method, message, field, oneof, enum or enum value (a leading dot is allowed). */
  fileOfSymbol(symbol: string): DescribedFile | undefined {
    return this.symbols.get(symbol.replace(/^\./, ''));
  }

  /** undefined when `type` is not a message of these files; else the numbers of its known extensions (often none). */
  extensionNumbers(type: string): number[] | undefined {
    const name = type.replace(/^\./, '');
    if (!this.messages.has(name)) return undefined;
    return [...(this.extensions.get(name)?.keys() ?? [])].sort((a, b) => a - b);
  }

  fileOfExtension(type: string, number: number): DescribedFile | undefined {
    return this.extensions.get(type.replace(/^\./, ''))?.get(number);
  }

  /** The file's bytes first, then those of its transitive dependencies, each once. */
  withDependencies(file: DescribedFile): Uint8Array[] {
    const seen = new Set<string>([file.name]);
    const order: DescribedFile[] = [file];
    for (let i = 0; i < order.length; i++) {
      for (const dependency of (order[i] as DescribedFile).dependencies) {
        const found = this.files.get(dependency);
        if (found && !seen.has(dependency)) {
          seen.add(dependency);
          order.push(found);
        }
      }
    }
    return order.map((f) => f.bytes);
  }

  private addFile(bytes: Uint8Array): void {
    let name = '';
    let pkg = '';
    const dependencies: string[] = [];
    for (const { field, bytes: value } of fieldsOf(bytes)) {
      if (field === 1 && value) name = text.decode(value);
      else if (field === 2 && value) pkg = text.decode(value);
      else if (field === 3 && value) dependencies.push(text.decode(value));
    }
    const file: DescribedFile = { name, bytes, dependencies };
    this.files.set(name, file);
    const scope = pkg ? `${pkg}.` : '';
    for (const { field, bytes: value } of fieldsOf(bytes)) {
      if (!value) continue;
      if (field === 4) this.addMessage(file, value, scope);
      else if (field === 5) this.addEnum(file, value, scope);
      else if (field === 6) this.addService(file, value, scope);
      else if (field === 7) this.addField(file, value, scope);
    }
  }

  private addMessage(file: DescribedFile, bytes: Uint8Array, scope: string): void {
    const full = scope + nameOf(bytes);
    this.symbols.set(full, file);
    this.messages.add(full);
    for (const { field, bytes: value } of fieldsOf(bytes)) {
      if (!value) continue;
      if (field === 2 || field === 6) this.addField(file, value, `${full}.`); // field, extension
      else if (field === 8) this.symbols.set(`${full}.${nameOf(value)}`, file); // oneof_decl
      else if (field === 3) this.addMessage(file, value, `${full}.`);
      else if (field === 4) this.addEnum(file, value, `${full}.`);
    }
  }

  /** A field or an extension (which also has an extendee, 2, and a number, 3). */
  private addField(file: DescribedFile, bytes: Uint8Array, scope: string): void {
    let extendee: string | undefined;
    let number = 0;
    for (const { field, bytes: value, varint } of fieldsOf(bytes)) {
      if (field === 2 && value) extendee = text.decode(value).replace(/^\./, '');
      else if (field === 3 && varint !== undefined) number = varint;
    }
    this.symbols.set(scope + nameOf(bytes), file);
    if (extendee === undefined) return;
    const numbers = this.extensions.get(extendee) ?? new Map<number, DescribedFile>();
    numbers.set(number, file);
    this.extensions.set(extendee, numbers);
  }

  /** Enum values are scoped beside their enum, as in C++: `gridcode.v1.CODE_RED`. */
  private addEnum(file: DescribedFile, bytes: Uint8Array, scope: string): void {
    this.symbols.set(scope + nameOf(bytes), file);
    for (const { field, bytes: value } of fieldsOf(bytes)) if (field === 2 && value) this.symbols.set(scope + nameOf(value), file);
  }

  private addService(file: DescribedFile, bytes: Uint8Array, scope: string): void {
    const full = scope + nameOf(bytes);
    this.symbols.set(full, file);
    this.serviceNames.push(full);
    for (const { field, bytes: value } of fieldsOf(bytes)) if (field === 2 && value) this.symbols.set(`${full}.${nameOf(value)}`, file);
  }
}
