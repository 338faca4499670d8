import { KeyState } from '@keyward/proto/keyward/v1';
import { describe, expect, it } from 'vitest';
import { keyHistory } from './state-history';

const NOW = new Date('2030-01-10T00:00:00Z');
const day = (n: number) => new Date(Date.UTC(2030, 0, n));

const timeline = {
  now: NOW,
  keys: [
    {
      kid: 'old',
      alg: 'ES256',
      state: KeyState.KEY_STATE_RETIRED,
      intervals: [
        { state: KeyState.KEY_STATE_RETIRED, start: day(9), end: day(12), scheduled: false },
        { state: KeyState.KEY_STATE_EXPIRED, start: day(12), end: day(20), scheduled: true },
        { state: KeyState.KEY_STATE_ACTIVE, start: day(2), end: day(9), scheduled: false },
        { state: KeyState.KEY_STATE_PENDING, start: day(1), end: day(2), scheduled: false },
        { state: KeyState.KEY_STATE_DESTROYED, start: day(20), end: undefined, scheduled: true },
      ],
    },
    { kid: 'new', alg: 'ES256', state: KeyState.KEY_STATE_ACTIVE, intervals: [] },
  ],
};

describe('keyHistory', () => {
  it('lists the intervals in time order: past, current, then scheduled', () => {
    const history = keyHistory(timeline, 'old', NOW)!;
    expect(history.state).toBe(KeyState.KEY_STATE_RETIRED);
    expect(history.rows.map((row) => [row.state, row.phase])).toEqual([
      [KeyState.KEY_STATE_PENDING, 'past'],
      [KeyState.KEY_STATE_ACTIVE, 'past'],
      [KeyState.KEY_STATE_RETIRED, 'current'],
      [KeyState.KEY_STATE_EXPIRED, 'scheduled'],
      [KeyState.KEY_STATE_DESTROYED, 'scheduled'],
    ]);
    expect(history.rows.at(-1)!.end).toBeUndefined();
  });

  it('calls an open-ended interval that is not scheduled current', () => {
    const open = {
      now: NOW,
      keys: [
        {
          kid: 'k',
          alg: 'ES256',
          state: KeyState.KEY_STATE_ACTIVE,
          intervals: [{ state: KeyState.KEY_STATE_ACTIVE, start: day(1), end: undefined, scheduled: false }],
        },
      ],
    };
    expect(keyHistory(open, 'k', NOW)!.rows[0]!.phase).toBe('current');
  });

  it('knows no kid the timeline lacks', () => {
    expect(keyHistory(timeline, 'missing', NOW)).toBeUndefined();
  });
});
