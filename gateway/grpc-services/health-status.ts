// Where the health service reads the server's state from, and is told of its
// changes: main.ts sets it from readiness (and `stopped` when draining begins);
// tests set it by hand.
export type ServingState = 'serving' | 'not-serving' | 'stopped';

export interface HealthSource {
  state(): ServingState;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (state: ServingState) => void): () => void;
}

export class HealthStatus implements HealthSource {
  private readonly listeners = new Set<(state: ServingState) => void>();

  constructor(private current: ServingState = 'not-serving') {}

  state(): ServingState {
    return this.current;
  }

  /** `stopped` is final: a server that began draining never serves again. */
  set(next: ServingState): void {
    if (this.current === 'stopped' || next === this.current) return;
    this.current = next;
    for (const listener of [...this.listeners]) listener(next);
  }

  subscribe(listener: (state: ServingState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listeners: every open health or reflection call holds at least one, so 0 means none is left (for tests). */
  get subscribers(): number {
    return this.listeners.size;
  }
}
