// What the gateway answered the load, by Connect code. autocannon counts
// only HTTP statuses, and a 429 may be the byte budget, the queue or the body
// limit: the Connect error body (`{"code": ..., "message": ...}`) says which,
// so every non-2xx body is read. A 2xx is counted as `ok` unread.

/** `ok`, a Connect code, or `http_<status>` when the body is not a Connect error. */
export type AnswerCode = string;

export interface ConnectError {
  readonly code: string;
  readonly message: string;
}

/** The Connect error in a non-2xx unary answer; `http_<status>` when the body is not one. */
export function connectError(status: number, body: string | Uint8Array): ConnectError {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { code?: unknown }).code === 'string') {
      const message = (parsed as { message?: unknown }).message;
      return { code: (parsed as { code: string }).code, message: typeof message === 'string' ? message : '' };
    }
  } catch {
    // not JSON: an answer from something other than the gateway (a proxy), said by its status
  }
  return { code: `http_${status}`, message: text.slice(0, 200) };
}

/**
 * The body limit a body-too-large refusal names (the gateway's
 * BodyTooLargeError), or undefined. Read from the message, whatever the code:
 * the spec makes it invalid_argument (it can never succeed), older gateways
 * said resource_exhausted.
 */
export function bodyLimitOf(error: ConnectError): number | undefined {
  if (error.code !== 'invalid_argument' && error.code !== 'resource_exhausted') return undefined;
  const match = /larger than the limit of (\d+) bytes/.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

export class Answers {
  /** Answers by code; `ok` for 2xx. */
  readonly counts = new Map<AnswerCode, number>();
  /** The first message seen per error code, to print. */
  readonly messages = new Map<AnswerCode, string>();

  /** For autocannon's per-request onResponse(status, body). */
  record(status: number, body: string | Uint8Array): void {
    if (status >= 200 && status < 300) {
      this.add('ok');
      return;
    }
    const error = connectError(status, body);
    this.add(error.code);
    if (!this.messages.has(error.code)) this.messages.set(error.code, error.message);
  }

  private add(code: AnswerCode): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
  }

  get ok(): number {
    return this.counts.get('ok') ?? 0;
  }

  /** Answers other than ok, by code, largest first. */
  notOk(): [AnswerCode, number][] {
    return [...this.counts].filter(([code]) => code !== 'ok').sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }

  toJSON(): Record<AnswerCode, number> {
    return Object.fromEntries([...this.counts].sort((a, b) => a[0].localeCompare(b[0])));
  }
}

/** What a row got that a load sized to the server's limits should never get; empty when nothing. */
export function unexpectedOf(answers: Answers, transport: { errors: number; timeouts: number }, refused: Readonly<Record<string, number>> | undefined): string[] {
  const out: string[] = [];
  for (const [code, n] of answers.notOk()) {
    const message = answers.messages.get(code);
    out.push(`${n} answered ${code}${message ? ` ("${message}")` : ''}`);
  }
  if (transport.errors > 0) out.push(`${transport.errors} connection error${transport.errors === 1 ? '' : 's'} (no answer)`);
  if (transport.timeouts > 0) out.push(`${transport.timeouts} timed out`);
  // The server's count is server-wide (other clients of a --url gateway included): a refusal the answers did not show is still said.
  const refusedTotal = Object.values(refused ?? {}).reduce((sum, n) => sum + n, 0);
  const answeredExhausted = answers.counts.get('resource_exhausted') ?? 0;
  if (refusedTotal > answeredExhausted) out.push(`the server counted ${refusedTotal} refusal${refusedTotal === 1 ? '' : 's'} during the row, ${answeredExhausted} of them answered to this benchmark (the counter is server-wide: other clients' requests count too)`);
  return out;
}

/** `inflight_bytes 234, queue_full 0`, or `none`. */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${k} ${n}`).join(', ');
}
