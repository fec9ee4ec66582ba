import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { parseContentLength, readBody } from './body.js';

function web(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

const bytes = (...values: number[]) => new Uint8Array(values);

describe('readBody', () => {
  it('reads a web stream with a Content-Length into one allocated buffer', async () => {
    const allocate = vi.fn((n: number) => new ArrayBuffer(n));
    const body = await readBody(web([bytes(1, 2), bytes(3)]), { contentLength: 3, maxBytes: 10, allocate });
    expect([...body.bytes]).toEqual([1, 2, 3]);
    expect(body).toMatchObject({ offset: 0, length: 3 });
    expect(allocate).toHaveBeenCalledTimes(1);
  });

  it('reads a Node stream without a Content-Length', async () => {
    const body = await readBody(Readable.from([Buffer.from([1]), Buffer.from([2, 3])]), { maxBytes: 10 });
    expect([...body.bytes]).toEqual([1, 2, 3]);
  });

  it('reads an absent body as empty', async () => {
    expect((await readBody(null, { maxBytes: 10 })).length).toBe(0);
  });

  it('refuses a Content-Length over the limit before reading', async () => {
    const allocate = vi.fn((n: number) => new ArrayBuffer(n));
    const source = web([bytes(1)]);
    await expect(readBody(source, { contentLength: 11, maxBytes: 10, allocate })).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(allocate).not.toHaveBeenCalled();
  });

  it('counts a streamed body as it arrives and pauses the Node stream', async () => {
    let produced = 0;
    const stream = new Readable({
      highWaterMark: 100,
      read() {
        produced++;
        this.push(Buffer.alloc(100));
      },
    });
    await expect(readBody(stream, { maxBytes: 1000 })).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(stream.destroyed).toBe(false);
    expect(stream.isPaused()).toBe(true);
    expect(produced).toBeLessThan(50);
    stream.destroy();
  });

  it('refuses bodies that disagree with their Content-Length', async () => {
    await expect(readBody(web([bytes(1, 2, 3)]), { contentLength: 2, maxBytes: 10 })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(readBody(web([bytes(1)]), { contentLength: 2, maxBytes: 10 })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('stops with the signal reason', async () => {
    const controller = new AbortController();
    const stream = new Readable({ read() {} });
    const pending = readBody(stream, { maxBytes: 10, signal: controller.signal });
    controller.abort(new Error('deadline'));
    await expect(pending).rejects.toThrow('deadline');
    const webController = new AbortController();
    const never = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const pendingWeb = readBody(never, { maxBytes: 10, signal: webController.signal });
    webController.abort(new Error('gone'));
    await expect(pendingWeb).rejects.toThrow('gone');
  });

  it('reports a stream that breaks off as canceled', async () => {
    const stream = new Readable({ read() {} });
    const pending = readBody(stream, { maxBytes: 10 });
    stream.push(Buffer.from([1]));
    stream.destroy();
    await expect(pending).rejects.toMatchObject({ code: 'canceled' });
  });

  it('parses Content-Length', () => {
    expect(parseContentLength(null)).toBeUndefined();
    expect(parseContentLength('42')).toBe(42);
    expect(() => parseContentLength('4 2')).toThrow();
  });

  it('times out a body that stalls, and leaves no timer behind when it refuses one at once', async () => {
    const stalled = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(bytes(1, 2)) });
    await expect(readBody(stalled, { maxBytes: 100, idleTimeoutMs: 30 })).rejects.toMatchObject({ code: 'deadline_exceeded', message: 'no part of the request body arrived for 30 ms' });
    vi.useFakeTimers();
    try {
      await expect(readBody(web([bytes(1)]), { contentLength: 200, maxBytes: 100, idleTimeoutMs: 60_000 })).rejects.toMatchObject({ code: 'invalid_argument' });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
