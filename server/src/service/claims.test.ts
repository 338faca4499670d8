import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeywardError } from '../errors.js';
import { MAX_CLAIMS_BYTES, prepareClaims as prepareClaimsWith, type TokenLifetime } from './claims.js';

const NOW = new Date('2026-11-28T12:00:00.500Z');
const NOW_SECONDS = 1_795_867_200;
const TTL = 3_600;
const EXP = NOW_SECONDS + TTL;
const REFUSE: TokenLifetime = { maxSeconds: TTL, excess: 'refuse' };
const CLAMP: TokenLifetime = { maxSeconds: TTL, excess: 'clamp' };

const prepareClaims = (json: string, now: Date) => prepareClaimsWith(json, now, REFUSE).bytes;

function parse(bytes: Buffer): Record<string, unknown> {
  return JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
}

describe('prepareClaims', () => {
  it('adds iat in whole seconds when absent and keeps it when present', () => {
    expect(parse(prepareClaims('{"sub":"a"}', NOW))).toEqual({ sub: 'a', iat: NOW_SECONDS, exp: EXP });
    expect(parse(prepareClaims('{"iat":5}', NOW))).toEqual({ iat: 5, exp: EXP });
  });

  it('gives every token an exp within max_token_ttl: added when absent, refused or clamped beyond', () => {
    expect(parse(prepareClaims(`{"exp":${EXP}}`, NOW)).exp).toBe(EXP);
    expect(parse(prepareClaims(`{"exp":${NOW_SECONDS + 60}}`, NOW)).exp).toBe(NOW_SECONDS + 60);
    expect(() => prepareClaims(`{"exp":${EXP + 1}}`, NOW)).toThrow(
      new KeywardError(
        'INVALID_ARGUMENT',
        `claims_json.exp: is ${TTL + 1}s from now; this key set's max_token_ttl is ${TTL}s`,
      ),
    );
    expect(parse(prepareClaimsWith(`{"exp":${EXP + 1000}}`, NOW, CLAMP).bytes).exp).toBe(EXP);
    expect(prepareClaimsWith(`{"exp":${EXP - 5}}`, NOW, CLAMP).expiresAt).toEqual(new Date((EXP - 5) * 1000));
  });

  it('re-serializes: duplicate members collapse and white space goes', () => {
    expect(prepareClaims('{ "sub" : "a", "sub": "b", "iat": 1, "exp": 2 }', NOW).toString()).toBe(
      '{"sub":"b","iat":1,"exp":2}',
    );
  });

  it('accepts exactly the size limit and refuses one byte more', () => {
    const filler = (n: number) => `{"iat":1,"exp":2,"x":"${'a'.repeat(n)}"}`;
    const exact = filler(MAX_CLAIMS_BYTES - filler(0).length);
    expect(Buffer.byteLength(exact)).toBe(MAX_CLAIMS_BYTES);
    expect(() => prepareClaims(exact, NOW)).not.toThrow();
    expect(() => prepareClaims(filler(MAX_CLAIMS_BYTES - filler(0).length + 1), NOW)).toThrow(
      `claims_json: is ${MAX_CLAIMS_BYTES + 1} bytes; the limit is ${MAX_CLAIMS_BYTES}`,
    );
  });

  it('round-trips any JSON object, adding only iat and exp', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (claims) => {
        const registered = ['iss', 'sub', 'jti', 'exp', 'nbf', 'iat', 'aud'];
        fc.pre(Object.keys(claims).every((name) => !registered.includes(name)));
        const result = parse(prepareClaims(JSON.stringify(claims), NOW));
        expect(result).toEqual(JSON.parse(JSON.stringify({ ...claims, iat: NOW_SECONDS, exp: EXP })));
      }),
    );
  });

  it('answers any other input with INVALID_ARGUMENT on claims_json, never another error', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
        ),
        (input) => {
          try {
            const result = parse(prepareClaims(input, NOW));
            expect(typeof result).toBe('object');
            expect(Array.isArray(result)).toBe(false);
          } catch (error) {
            expect(error).toBeInstanceOf(KeywardError);
            expect((error as KeywardError).code).toBe('INVALID_ARGUMENT');
            expect((error as KeywardError).message).toMatch(/^claims_json[.:]/);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['{"exp":"1"}', 'claims_json.exp: must be a NumericDate (seconds since the epoch)'],
    ['{"nbf":-1}', 'claims_json.nbf: must be a NumericDate (seconds since the epoch)'],
    ['{"iat":null}', 'claims_json.iat: must be a NumericDate (seconds since the epoch)'],
    ['{"iss":1}', 'claims_json.iss: must be a string'],
    ['{"sub":{}}', 'claims_json.sub: must be a string'],
    ['{"aud":["a",2]}', 'claims_json.aud: must be a string or an array of strings'],
    ['"text"', 'claims_json: must be a JSON object'],
    ['', 'claims_json: is not valid JSON'],
  ])('refuses %s', (input, message) => {
    expect(() => prepareClaims(input, NOW)).toThrow(new KeywardError('INVALID_ARGUMENT', message));
  });
});
