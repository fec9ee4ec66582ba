import { describe, expect, it, vi } from 'vitest';
import { markStarted, taskAbort } from './task-abort.js';

/** A promise settled by hand, and whether it has settled. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function state(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  const marker = Symbol('pending');
  const outcome = await Promise.race([promise.then(() => 'resolved' as const, () => 'rejected' as const), new Promise<typeof marker>((r) => setImmediate(() => r(marker)))]);
  return outcome === marker ? 'pending' : outcome;
}

describe('taskAbort', () => {
  it('answers at once when the caller cancels before a worker starts the task, which the worker then skips', async () => {
    const stop = new AbortController();
    const onCanceled = vi.fn();
    const abort = taskAbort(stop.signal, onCanceled);
    const answer = deferred<string>();
    const settled = abort.settle(answer.promise);
    stop.abort(new Error('client gone'));
    await expect(settled).rejects.toMatchObject({ name: 'AbortError', cause: new Error('client gone') });
    expect(onCanceled).toHaveBeenCalledTimes(1);
    expect(markStarted(abort.started)).toBe(false);
  });

  it('waits for a task a worker started, then fails it with AbortError: its answer is not wanted', async () => {
    const stop = new AbortController();
    const onCanceled = vi.fn();
    const abort = taskAbort(stop.signal, onCanceled);
    const answer = deferred<string>();
    const settled = abort.settle(answer.promise);
    expect(markStarted(abort.started)).toBe(true);
    expect(markStarted(abort.started)).toBe(true); // a second claim (a wrapper, then the worker) changes nothing
    stop.abort();
    expect(await state(settled)).toBe('pending');
    answer.resolve('scored');
    await expect(settled).rejects.toMatchObject({ name: 'AbortError' });
    expect(onCanceled).not.toHaveBeenCalled();
  });

  it('gives the answer when nobody aborts, and refuses a signal aborted already', async () => {
    const abort = taskAbort(new AbortController().signal);
    expect(markStarted(abort.started)).toBe(true);
    await expect(abort.settle(Promise.resolve('scored'))).resolves.toBe('scored');
    await expect(taskAbort(undefined).settle(Promise.resolve(1))).resolves.toBe(1);
    expect(markStarted(undefined)).toBe(true);
    expect(() => taskAbort(AbortSignal.abort())).toThrow(expect.objectContaining({ name: 'AbortError' }));
  });
});
