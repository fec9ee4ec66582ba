// The server's memory over the soak: VmRSS from /proc/<pid>/status when the
// soak started the gateway itself (the whole process: main thread and
// workers), else the gateway's own process_resident_memory_bytes from
// /metrics; the main thread's V8 heap in use from /metrics either way.
import { valueOf } from '../../lib/prometheus-text.js';
import { RssSampler } from '../gateway/server.js';
import type { MemorySample } from './flatness.js';

export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private readonly proc: RssSampler | undefined;

  constructor(
    private readonly base: string,
    pid: number | undefined,
    private readonly headers: Readonly<Record<string, string>>,
  ) {
    this.proc = pid === undefined ? undefined : new RssSampler(pid);
  }

  /** Where RSS comes from, for the report. */
  get source(): string {
    return this.proc ? `/proc/${this.proc.pid}/status VmRSS` : `${this.base}/metrics process_resident_memory_bytes`;
  }

  private async metrics(): Promise<string | undefined> {
    try {
      const response = await fetch(`${this.base}/metrics`, { headers: this.headers, signal: AbortSignal.timeout(5_000) });
      return response.ok ? await response.text() : undefined;
    } catch {
      return undefined;
    }
  }

  /** Takes one sample at `atMs` (ms since the traffic started); rssBytes 0 when neither source answered. */
  async sample(atMs: number): Promise<MemorySample> {
    const text = await this.metrics();
    const rssBytes = this.proc ? (this.proc.read()?.rss ?? 0) : text === undefined ? 0 : valueOf(text, 'process_resident_memory_bytes');
    const heap = text === undefined ? undefined : valueOf(text, 'nodejs_heap_size_used_bytes');
    const sample = { atMs, rssBytes, heapBytes: heap || undefined };
    this.samples.push(sample);
    return sample;
  }
}
