// The message of the ConfigError a gateway configuration is refused with:
// config.test.ts and exposure.test.ts assert on what an operator reads.
import { expect } from 'vitest';
import { ConfigError } from '../../../gateway/ops/config.js';

export function configErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}
