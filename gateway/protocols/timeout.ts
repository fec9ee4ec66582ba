// Timeout headers: Connect-Timeout-Ms (1 to 10 digits, milliseconds) and
// grpc-timeout (1 to 8 digits and a unit: H M S m u n).
import { ServiceError } from '../rpc/codes.js';

const CONNECT_TIMEOUT = /^\d{1,10}$/;
const GRPC_TIMEOUT = /^(\d{1,8})([HMSmun])$/;
const GRPC_UNIT_MS: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/** Milliseconds, or undefined without a header; a malformed header is `invalid_argument`. */
export function parseConnectTimeout(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!CONNECT_TIMEOUT.test(value)) throw new ServiceError('invalid_argument', `malformed Connect-Timeout-Ms "${value.slice(0, 32)}"`);
  return Number(value);
}

/** Milliseconds (fractions rounded up), or undefined without a header; malformed is `invalid_argument`. */
export function parseGrpcTimeout(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const match = GRPC_TIMEOUT.exec(value);
  if (!match) throw new ServiceError('invalid_argument', `malformed grpc-timeout "${value.slice(0, 32)}"`);
  const amount = Number(match[1]);
  const unit = GRPC_UNIT_MS[match[2] as string] as number;
  return Math.ceil(amount * unit);
}

/** Formats milliseconds as a grpc-timeout header value (for clients and tests). */
export function formatGrpcTimeout(ms: number): string {
  return ms < 1e8 ? `${Math.max(0, Math.ceil(ms))}m` : `${Math.ceil(ms / 1000)}S`;
}
