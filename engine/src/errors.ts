// Errors that fail a whole batch. A bad consumer never throws: it becomes an
// unusable consumer with a note (GRAY later). Codes are the closed set of
// ../shared/spec/api.md; the gateway maps them to HTTP and gRPC status.
export type BatchErrorCode = 'invalid_argument' | 'not_found' | 'internal';

export class BatchError extends Error {
  override readonly name = 'BatchError';
  constructor(
    readonly code: BatchErrorCode,
    message: string,
    /** The consumer at fault, by its index in the batch, when the error is one consumer's. */
    readonly consumer?: number,
  ) {
    super(message);
  }
}

/**
 * Bytes that are not a valid ScoreBatchRequest: where the fault lies and what
 * it is. The message is made from these fields here and nowhere else; a
 * caller that counts bytes from another origin (a file rather than the block
 * read from it) asks for the same fault at its own byte with `atByte`.
 */
export class MalformedProtobuf extends BatchError {
  constructor(
    /** Byte offset of the fault, counted from the start of the request. */
    readonly byte: number,
    /** What is wrong there. */
    readonly detail: string,
    consumer?: number,
  ) {
    super('invalid_argument', `malformed protobuf in ${consumer === undefined ? 'request' : `consumers[${consumer}]`} at byte ${byte}: ${detail}`, consumer);
  }

  atByte(byte: number): MalformedProtobuf {
    return new MalformedProtobuf(byte, this.detail, this.consumer);
  }
}

/** A template that is not 96 finite numbers, or a template name that cannot be a feature name. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly template: string,
    message: string,
  ) {
    super(message);
  }
}
