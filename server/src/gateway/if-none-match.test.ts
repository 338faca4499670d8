import { describe, expect, it } from 'vitest';
import { ifNoneMatchMatches, requestMatchesEtag } from './if-none-match.js';

const ETAG = '"v1,abc"'; // a comma inside the opaque tag is legal and must not split it

describe('ifNoneMatchMatches', () => {
  it.each([
    ['"v1,abc"'],
    ['W/"v1,abc"'],
    ['*'],
    [' * '],
    ['"x", "v1,abc"'],
    ['"x",W/"v1,abc"'],
    ['\t"v1,abc"\t'],
    ['garbage, "v1,abc"'],
    ['"x", *'],
  ])('%j matches', (field) => {
    expect(ifNoneMatchMatches(field, ETAG)).toBe(true);
  });

  it.each([
    [''],
    ['"v1"'],
    ['"abc"'],
    ['v1,abc'],
    ['"v1,abc'],
    ['w/"v1,abc"'],
    ['"v1,abcd"'],
    ['**'],
    ['"x", "y"'],
    ['W/'],
  ])('%j does not match', (field) => {
    expect(ifNoneMatchMatches(field, ETAG)).toBe(false);
  });

  it('compares weakly when our own ETag is weak', () => {
    expect(ifNoneMatchMatches('"v1,abc"', 'W/"v1,abc"')).toBe(true);
  });
});

describe('requestMatchesEtag', () => {
  it('finds If-None-Match in any case and in any of several fields', () => {
    expect(requestMatchesEtag(['Host', 'x', 'IF-NONE-MATCH', '"no"', 'if-none-match', ETAG], ETAG)).toBe(true);
    expect(requestMatchesEtag(['Host', 'x', 'If-None-Match', '"no"'], ETAG)).toBe(false);
    expect(requestMatchesEtag(['If-Match-None', ETAG], ETAG)).toBe(false);
    expect(requestMatchesEtag([], ETAG)).toBe(false);
  });
});
