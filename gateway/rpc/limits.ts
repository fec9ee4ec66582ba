// What one request may ask of the service.
export interface ServiceLimits {
  /** Consumers in one ScoreBatch request; more is invalid_argument. */
  readonly maxConsumers: number;
  /** Readings (load_kw values) of one consumer; a longer curve is a GRAY result with a note, never copied. */
  readonly maxReadingsPerConsumer: number;
  /** Request bodies from this size (bytes) are split across workers, when at least two are idle. */
  readonly splitThresholdBytes: number;
}

export const DEFAULT_LIMITS: ServiceLimits = {
  maxConsumers: 100_000,
  maxReadingsPerConsumer: 400 * 288,
  splitThresholdBytes: 32 << 20,
};

export function resolveLimits(limits: Partial<ServiceLimits> = {}): ServiceLimits {
  const resolved = { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) } as ServiceLimits;
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`limit ${name} must be a whole number from 1, not ${String(value)}`);
  }
  return resolved;
}
