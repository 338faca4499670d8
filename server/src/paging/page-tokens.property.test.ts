// Page tokens round-trip, and anything that is not a token issued for the same scope is refused:
// arbitrary strings, any flipped bit, a token cut short or lengthened, another scope, another secret.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../test-support/thrown.js';
import { openPageToken, sealPageToken } from './page-tokens.js';

const SECRET = randomBytes(32);
const scopes = fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 4 });
const positions = fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 3 });

function refused(scope: readonly string[], token: string): void {
  const error = thrownBy(() => openPageToken(SECRET, scope, token));
  expect(error.code).toBe('INVALID_ARGUMENT');
  expect(error.message).toMatch(/^page_token: /);
}

describe('page tokens', () => {
  it('give back the position they were sealed with, for the same scope', () => {
    fc.assert(
      fc.property(scopes, positions, (scope, position) => {
        const token = sealPageToken(SECRET, scope, position);
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(openPageToken(SECRET, [...scope], token)).toEqual(position);
      }),
    );
  });

  it('refuse arbitrary strings', () => {
    fc.assert(
      fc.property(scopes, fc.oneof(fc.string(), fc.base64String(), fc.stringMatching(/^[A-Za-z0-9_-]*$/)), (scope, s) =>
        refused(scope, s),
      ),
    );
  });

  it('refuse a token with any bit of any character flipped', () => {
    fc.assert(
      fc.property(scopes, positions, fc.nat(), fc.integer({ min: 0, max: 6 }), (scope, position, at, bit) => {
        const token = sealPageToken(SECRET, scope, position);
        const i = at % token.length;
        const altered = token.slice(0, i) + String.fromCharCode(token.charCodeAt(i) ^ (1 << bit)) + token.slice(i + 1);
        refused(scope, altered);
      }),
    );
  });

  it('refuse a token with any bit of its bytes flipped', () => {
    fc.assert(
      fc.property(scopes, positions, fc.nat(), fc.integer({ min: 0, max: 7 }), (scope, position, at, bit) => {
        const bytes = Buffer.from(sealPageToken(SECRET, scope, position), 'base64url');
        bytes[at % bytes.length]! ^= 1 << bit;
        refused(scope, bytes.toString('base64url'));
      }),
    );
  });

  it('refuse a token cut short or lengthened', () => {
    fc.assert(
      fc.property(
        scopes,
        positions,
        fc.nat(),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
        (scope, position, at, more) => {
          const token = sealPageToken(SECRET, scope, position);
          refused(scope, token.slice(0, at % token.length));
          refused(scope, token + more);
          refused(scope, more + token);
        },
      ),
    );
  });

  it('refuse a token issued for another scope or under another secret', () => {
    fc.assert(
      fc.property(scopes, scopes, positions, (scope, other, position) => {
        fc.pre(JSON.stringify(scope) !== JSON.stringify(other));
        refused(other, sealPageToken(SECRET, scope, position));
        refused(scope, sealPageToken(randomBytes(32), scope, position));
      }),
    );
  });
});
