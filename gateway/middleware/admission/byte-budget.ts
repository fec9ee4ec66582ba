// A budget of request bytes held by the requests a server has accepted: from
// the first byte read until the request is answered (read, waiting for a
// worker, being scored, and the decoded copy of a JSON request). Counting
// bytes rather than requests is what bounds memory: maxQueue alone lets 64
// bodies of 64 MiB in at once. A request takes what it needs, or nothing.

/** Bytes held by one request; `release` gives them all back and may be called more than once. */
export interface Reservation {
  /** Bytes this request holds now. */
  readonly held: number;
  /** Takes `bytes` more; false (taking nothing) when they do not fit. */
  take(bytes: number): boolean;
  release(): void;
}

export class ByteBudget {
  private used = 0;
  private highest = 0;

  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`the byte budget must be a whole number of bytes from 1, not ${String(limit)}`);
  }

  /** Bytes held by accepted requests now. */
  get inFlight(): number {
    return this.used;
  }

  /** The most bytes ever held at once since the start. */
  get peak(): number {
    return this.highest;
  }

  /**
   * A reservation for one request. Each byte it takes costs `weight` bytes of
   * the budget (a JSON request's decoded copy), but one request never costs
   * more than the whole budget: alone, any request the body limit allows fits.
   */
  open(weight = 1): Reservation {
    let held = 0;
    let released = false;
    const budget = this;
    return {
      get held() {
        return held;
      },
      take(bytes: number): boolean {
        if (released) return false;
        const cost = Math.min(budget.limit - held, Math.ceil(bytes * weight));
        if (cost <= 0) return true;
        if (budget.used + cost > budget.limit) return false;
        budget.used += cost;
        held += cost;
        if (budget.used > budget.highest) budget.highest = budget.used;
        return true;
      },
      release(): void {
        if (released) return;
        released = true;
        budget.used -= held;
        held = 0;
      },
    };
  }
}
