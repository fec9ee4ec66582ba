// Compression of messages: gzip (and identity) only, through node:zlib's
// asynchronous API so inflating runs on the thread pool, never the event
// loop. Inflated output is bounded: a zip bomb is `resource_exhausted`.
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import { ServiceError } from '../service/codes.js';

const gunzipAsync = promisify(gunzipCb);
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

/** Inflates gzip data to at most maxBytes; too large is `resource_exhausted`, corrupt is `invalid_argument`. */
export async function gunzipLimited(input: Uint8Array, maxBytes: number): Promise<Buffer> {
  try {
    return await gunzipAsync(input, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new ServiceError('resource_exhausted', `the decompressed message is larger than the limit of ${maxBytes} bytes`);
    }
    throw new ServiceError('invalid_argument', 'the request message is not valid gzip data');
  }
}

export async function gzip(input: Uint8Array): Promise<Uint8Array> {
  return gzipAsync(input);
}
