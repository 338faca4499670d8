// @vitest-environment node
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientHash } from './client-hash.js';
import { ClientSightings } from './client-sightings.js';

const secret = Buffer.alloc(32, 1);
const hash = (clientId: string) => clientHash(secret, clientId);
const alice = '198.51.100.1\ncurl/8.5';
const bob = '198.51.100.2\nGo-http-client/2.0';
const at = (iso: string) => new Date(iso);
const KEY_A = at('2024-05-01T09:00:00Z');
const KEY_B = at('2024-05-01T10:02:30Z');

describe('ClientSightings', () => {
  it('drains one sighting per key set and client: first and last time seen, newest key served', () => {
    const sightings = new ClientSightings();
    sightings.record('payments', alice, at('2024-05-01T10:00:05Z'), KEY_A);
    sightings.record('payments', alice, at('2024-05-01T10:03:00Z'), KEY_B);
    sightings.record('payments', alice, at('2024-05-01T10:00:00Z'), KEY_A); // late
    sightings.record('payments', bob, at('2024-05-01T10:01:00Z'), KEY_A);
    sightings.record('default', alice, at('2024-05-01T10:02:00Z'), KEY_A);

    const batch = sightings.drain(hash);

    expect(batch.droppedSinceLastDrain).toBe(0);
    expect(batch.sightings).toHaveLength(3);
    expect(batch.sightings).toEqual(
      expect.arrayContaining([
        // The late visit, served an older JWKS, does not lower what alice is known to hold.
        {
          keySet: 'payments',
          clientHash: hash(alice),
          firstSeen: at('2024-05-01T10:00:00Z'),
          lastSeen: at('2024-05-01T10:03:00Z'),
          newestKeySeen: KEY_B,
        },
        {
          keySet: 'payments',
          clientHash: hash(bob),
          firstSeen: at('2024-05-01T10:01:00Z'),
          lastSeen: at('2024-05-01T10:01:00Z'),
          newestKeySeen: KEY_A,
        },
        {
          keySet: 'default',
          clientHash: hash(alice),
          firstSeen: at('2024-05-01T10:02:00Z'),
          lastSeen: at('2024-05-01T10:02:00Z'),
          newestKeySeen: KEY_A,
        },
      ]),
    );
    expect(sightings.drain(hash)).toEqual({ sightings: [], droppedSinceLastDrain: 0 });
  });

  it('never hands out a raw client id', () => {
    const sightings = new ClientSightings();
    sightings.record('payments', alice, at('2024-05-01T10:00:00Z'), KEY_A);

    expect(inspect(sightings, { showHidden: true, depth: null })).not.toContain('198.51.100.1');
    expect(JSON.stringify(sightings)).not.toContain('198.51.100.1');
    const batch = sightings.drain(hash);
    expect(inspect(batch, { depth: null })).not.toContain('198.51.100.1');
  });

  it('holds at most maxClients pairs between drains and counts the ones it dropped', () => {
    const sightings = new ClientSightings({ maxClients: 2 });
    sightings.record('payments', alice, at('2024-05-01T10:00:00Z'), KEY_A);
    sightings.record('payments', bob, at('2024-05-01T10:00:00Z'), KEY_A);
    sightings.record('default', alice, at('2024-05-01T10:00:00Z'), KEY_A); // a third pair: dropped
    sightings.record('payments', 'carol', at('2024-05-01T10:00:00Z'), KEY_A); // dropped
    sightings.record('payments', alice, at('2024-05-01T10:05:00Z'), KEY_A); // known pair: still updated

    const batch = sightings.drain(hash);

    expect(batch.droppedSinceLastDrain).toBe(2);
    expect(batch.sightings.map((s) => [s.keySet, s.clientHash])).toEqual([
      ['payments', hash(alice)],
      ['payments', hash(bob)],
    ]);
    expect(batch.sightings[0]?.lastSeen).toEqual(at('2024-05-01T10:05:00Z'));

    // A drain frees the room.
    sightings.record('default', alice, at('2024-05-01T10:06:00Z'), KEY_A);
    expect(sightings.drain(hash)).toMatchObject({ sightings: [{ keySet: 'default' }], droppedSinceLastDrain: 0 });
  });

  it('keeps its sightings when hashing fails, for the next drain', () => {
    const sightings = new ClientSightings();
    sightings.record('payments', alice, at('2024-05-01T10:00:00Z'), KEY_A);

    expect(() =>
      sightings.drain(() => {
        throw new Error('no secret yet');
      }),
    ).toThrow('no secret yet');
    expect(sightings.drain(hash).sightings).toHaveLength(1);
  });

  it('never holds more than maxClients pairs, and accounts for every new pair', () => {
    const visits = fc.array(
      fc.record({
        keySet: fc.constantFrom('a', 'b'),
        client: fc.constantFrom('1', '2', '3', '4', '5'),
        ms: fc.nat(1e12),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(visits, fc.integer({ min: 1, max: 12 }), (recorded, maxClients) => {
        const sightings = new ClientSightings({ maxClients });
        const pairs = new Set<string>();
        let dropped = 0;
        for (const { keySet, client, ms } of recorded) {
          const pair = `${keySet}/${client}`;
          if (!pairs.has(pair)) {
            if (pairs.size < maxClients) pairs.add(pair);
            else dropped += 1;
          }
          sightings.record(keySet, client, new Date(ms), KEY_A);
        }
        const batch = sightings.drain(hash);
        expect(batch.sightings).toHaveLength(pairs.size);
        expect(batch.droppedSinceLastDrain).toBe(dropped);
      }),
    );
  });

  it('refuses a maxClients that bounds nothing', () => {
    for (const maxClients of [0, -1, 1.5, Number.NaN]) {
      expect(() => new ClientSightings({ maxClients })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
});
