// Compression of messages: gzip (and identity) only, through node:zlib's
// asynchronous API so inflating runs on the thread pool, never the event
// loop. Inflated output is bounded: a zip bomb is `invalid_argument` (over maxBodyBytes).
import { promisify } from 'node:util';
import { createGunzip, gzip as gzipCb } from 'node:zlib';
import { copyBytes } from '../../engine/src/wire/shared-copy.js';
import { ServiceError } from '../rpc/codes.js';
import type { DecodeOptions, RequestMessage } from '../rpc/adapter.js';

const gzipAsync = promisify(gzipCb);

export type Encoding = 'identity' | 'gzip';
export const SUPPORTED_ENCODINGS = 'gzip, identity';

/**
 * The encoding named by a Content-Encoding / grpc-encoding header; an absent
 * header is identity, anything else is `unimplemented`.
 */
export function requestEncoding(value: string | null | undefined, header: string): Encoding {
  const name = (value ?? '').trim().toLowerCase();
  if (name === '' || name === 'identity') return 'identity';
  if (name === 'gzip') return 'gzip';
  throw new ServiceError('unimplemented', `${header} "${name.slice(0, 32)}" is not supported; supported: ${SUPPORTED_ENCODINGS}`);
}

/** True when an Accept-Encoding-style list names gzip (with a non-zero q). */
export function acceptsGzip(value: string | null | undefined): boolean {
  if (!value) return false;
  return value.split(',').some((item) => {
    const [name, ...params] = item.trim().toLowerCase().split(';');
    if (name?.trim() !== 'gzip') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * Inflates gzip data into one buffer from `options.allocate`, at most
 * `options.maxBytes` of it (more is `invalid_argument`; corrupt data is
 * `invalid_argument`). Each inflated chunk is charged as it comes
 * (`options.charge`, the admission budget, may throw to stop): charged only
 * once whole, many small bombs would each inflate to the limit at once.
 */
export function inflateInto(input: Uint8Array, options: DecodeOptions): Promise<RequestMessage> {
  const { maxBytes, allocate, charge } = options;
  return new Promise((resolve, reject) => {
    const inflater = createGunzip();
    const chunks: Buffer[] = [];
    let total = 0;
    let failed = false;
    // On failure the caller is answered at once and the request's buffers may go back to the body arena while
    // zlib's thread-pool job still reads `input`: a benign race (it only reads, the SharedArrayBuffer stays alive
    // while referenced, and what it inflates is dropped); waiting for it could mean inflating a bomb to its end.
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      chunks.length = 0;
      inflater.destroy();
      reject(error);
    };
    inflater.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) return fail(new ServiceError('invalid_argument', `the decompressed message is larger than the limit of ${maxBytes} bytes (maxBodyBytes)`));
      try {
        charge?.(chunk.byteLength);
      } catch (error) {
        return fail(error);
      }
      chunks.push(chunk);
    });
    inflater.on('error', () => fail(new ServiceError('invalid_argument', 'the request message is not valid gzip data')));
    inflater.on('end', () => {
      if (failed) return;
      try {
        const buffer = allocate(total);
        const bytes = new Uint8Array(buffer, 0, total);
        let at = 0;
        for (const chunk of chunks) {
          copyBytes(bytes, chunk, at);
          at += chunk.byteLength;
        }
        resolve({ buffer, offset: 0, length: total });
      } catch (error) {
        // Out of memory here fails this request (internal), not the process.
        fail(error);
      }
    });
    inflater.end(input);
  });
}

export async function gzip(input: Uint8Array): Promise<Uint8Array> {
  return gzipAsync(input);
}
