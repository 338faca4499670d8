// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { CallDeadline } from './call-deadline.js';

describe('CallDeadline', () => {
  it('without a deadline, the caller waits until it cancels', () => {
    const deadline = CallDeadline.none();
    expect(deadline.gone()).toBeUndefined();
    expect(() => deadline.assertWaiting()).not.toThrow();
    deadline.cancel();
    expect(deadline.gone()).toMatchObject({ code: 'CANCELLED' });
    expect(() => deadline.assertWaiting()).toThrow('the caller cancelled the call; nothing was done');
  });

  it('is gone from its time on, by its clock', () => {
    let nowMs = 999;
    const deadline = new CallDeadline(1_000, () => nowMs);
    expect(deadline.gone()).toBeUndefined();
    nowMs = 1_000;
    expect(deadline.gone()).toMatchObject({
      code: 'DEADLINE_EXCEEDED',
      message: "the call's deadline passed before the work could start; nothing was done",
    });
  });

  it('tells each listener once, when the time comes', async () => {
    const deadline = new CallDeadline(Date.now() + 15);
    const heard: string[] = [];
    const stopB = deadline.onGone(() => heard.push('b'));
    stopB();
    await new Promise<void>((resolve) =>
      deadline.onGone(() => {
        heard.push('a');
        resolve();
      }),
    );
    deadline.cancel(); // after the deadline: changes nothing
    expect(heard).toEqual(['a']);
    expect(deadline.gone()).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
  });

  it('tells a listener at once when the caller has already gone', () => {
    const deadline = CallDeadline.none();
    deadline.cancel();
    let heard = 0;
    deadline.onGone(() => (heard += 1));
    expect(heard).toBe(1);
  });

  it('tells listeners of a cancellation, and none that stopped listening', () => {
    const deadline = new CallDeadline(Date.now() + 60_000);
    const heard: string[] = [];
    deadline.onGone(() => heard.push('kept'));
    const stop = deadline.onGone(() => heard.push('stopped'));
    stop();
    deadline.cancel();
    deadline.cancel();
    expect(heard).toEqual(['kept']);
  });
});
