// The error of a configuration that cannot be used (config.ts, exposure.ts).

/** A configuration that cannot be used; the message is for the operator, ready to print. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
