import { describe, expect, it } from 'vitest';
import { routeOf } from './route.js';

describe('routeOf', () => {
  it.each([
    ['/.well-known/jwks.json', { kind: 'document', document: 'jwks', keySet: 'default' }],
    ['/.well-known/jwks.json?a=b', { kind: 'document', document: 'jwks', keySet: 'default' }],
    ['/.well-known/openid-configuration', { kind: 'document', document: 'discovery', keySet: 'default' }],
    ['/key-sets/eu-1/.well-known/jwks.json', { kind: 'document', document: 'jwks', keySet: 'eu-1' }],
    ['/key-sets/eu%2D1/.well-known/openid-configuration?', { kind: 'document', document: 'discovery', keySet: 'eu-1' }],
    ['/key-sets/EU/.well-known/jwks.json', { kind: 'invalid-key-set-name' }],
    ['/key-sets/%ZZ/.well-known/jwks.json', { kind: 'invalid-key-set-name' }],
    ['/healthz', { kind: 'healthz' }],
    ['/readyz?verbose', { kind: 'readyz' }],
    ['', { kind: 'not-found' }],
    ['*', { kind: 'not-found' }],
    ['http://host/.well-known/jwks.json', { kind: 'not-found' }],
    ['/key-sets/', { kind: 'not-found' }],
    ['/key-sets/a/.well-known/', { kind: 'not-found' }],
    ['/key-sets/a/b/.well-known/jwks.json', { kind: 'not-found' }],
  ])('%j', (url, expected) => {
    expect(routeOf(url)).toEqual(expected);
  });
});
