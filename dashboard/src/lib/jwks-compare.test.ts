import { describe, expect, it } from 'vitest';
import { parseGatewayOrigin, liveJwksUrl } from './gateway-url.js';
import { compareJwks, kidsOf, prettyJson } from './jwks-compare.js';

const jwks = (...kids: string[]) => JSON.stringify({ keys: kids.map((kid) => ({ kty: 'EC', kid })) });

describe('compareJwks', () => {
  it('is in sync with the same ETag and the same kids', () => {
    expect(compareJwks({ etag: '"a"', body: jwks('k1', 'k2') }, { etag: '"a"', jwksJson: jwks('k2', 'k1') })).toEqual({
      inSync: true,
      sameEtag: true,
      missingFromServed: [],
      onlyInServed: [],
    });
  });

  it('names the kids a stale copy lacks or still has', () => {
    const verdict = compareJwks(
      { etag: '"old"', body: jwks('k1', 'k0') },
      { etag: '"new"', jwksJson: jwks('k1', 'k2') },
    );
    expect(verdict).toEqual({ inSync: false, sameEtag: false, missingFromServed: ['k2'], onlyInServed: ['k0'] });
  });

  it('is not in sync when only the ETag differs', () => {
    expect(compareJwks({ etag: undefined, body: jwks('k1') }, { etag: '"a"', jwksJson: jwks('k1') }).inSync).toBe(
      false,
    );
  });
});

describe('kidsOf and prettyJson', () => {
  it('read a JWKS and leave anything else alone', () => {
    expect(kidsOf(jwks('a', 'b'))).toEqual(['a', 'b']);
    expect(kidsOf('<html>')).toBeUndefined();
    expect(kidsOf('{"no":"keys"}')).toBeUndefined();
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson('<html>')).toBe('<html>');
  });
});

describe('KEYWARD_GATEWAY_URL', () => {
  it('accepts an http(s) origin and refuses anything else with a message naming the setting', () => {
    expect(parseGatewayOrigin(undefined)).toBeUndefined();
    expect(parseGatewayOrigin('')).toBeUndefined();
    expect(parseGatewayOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(parseGatewayOrigin('https://gw.internal/')).toBe('https://gw.internal');
    for (const bad of ['gw.internal:8080', 'ftp://gw', 'http://gw/jwks', 'http://u:p@gw', 'http://gw/?a=1']) {
      expect(() => parseGatewayOrigin(bad)).toThrow(/KEYWARD_GATEWAY_URL/);
    }
  });

  it('keeps the jwks_uri path and query on the gateway origin', () => {
    expect(liveJwksUrl('https://keys.example/key-sets/a/.well-known/jwks.json', undefined).href).toBe(
      'https://keys.example/key-sets/a/.well-known/jwks.json',
    );
    expect(liveJwksUrl('https://keys.example/key-sets/a/.well-known/jwks.json?x=1', 'http://127.0.0.1:9').href).toBe(
      'http://127.0.0.1:9/key-sets/a/.well-known/jwks.json?x=1',
    );
  });
});
