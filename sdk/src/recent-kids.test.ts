import { describe, expect, it } from 'vitest';
import { RecentKids } from './recent-kids.js';

describe('RecentKids', () => {
  it('forgets a kid after the ttl', () => {
    const kids = new RecentKids(10, 1_000);
    kids.add('a', 0);
    expect(kids.has('a', 999)).toBe(true);
    expect(kids.has('a', 1_000)).toBe(false);
    expect(kids.size).toBe(0);
  });

  it('holds at most capacity kids, evicting the oldest', () => {
    const kids = new RecentKids(3, 60_000);
    for (const [i, kid] of ['a', 'b', 'c', 'd'].entries()) kids.add(kid, i);
    expect(kids.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((kid) => kids.has(kid, 10))).toEqual([false, true, true, true]);
    kids.add('b', 11); // refreshed: now the newest
    kids.add('e', 12);
    expect(['b', 'c', 'd', 'e'].map((kid) => kids.has(kid, 13))).toEqual([true, false, true, true]);
  });
});
