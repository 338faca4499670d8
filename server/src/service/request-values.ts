import { EVENT_TYPES, isEventType, type EventType } from '../model/event-types.js';
import { invalidArgument } from '../errors.js';

const MAX_ISSUER_LENGTH = 512;
const MAX_REASON_LENGTH = 1_000;
// Control characters (tab and line breaks aside) have no place in text that is stored and shown.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// Key ids are base64url (thumbprints, random ids).
const KID = /^[A-Za-z0-9_-]{1,128}$/;
// RFC 7515 `typ` is a media type; RFC 9110 token characters plus "/" cover every registered one.
const TYP = /^[A-Za-z0-9!#$%&'*+.^_`|~/-]{1,64}$/;

/** OpenID Connect Discovery: an issuer is an http(s) URL with no query or fragment. */
export function validateIssuer(issuer: string): string {
  let url: URL | undefined;
  try {
    url = new URL(issuer);
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    issuer.length > MAX_ISSUER_LENGTH ||
    /[\s\u0000-\u001f\u007f]/.test(issuer) ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw invalidArgument(
      'issuer',
      `must be an http(s) URL without query or fragment, at most ${MAX_ISSUER_LENGTH} characters`,
    );
  }
  return issuer;
}

export function validateTyp(typ: string): string {
  if (!TYP.test(typ))
    throw invalidArgument('typ', 'must be a media type such as "JWT" or "at+jwt" (at most 64 characters)');
  return typ;
}

/** Empty means "no reason given". */
export function validateReason(reason: string): string | null {
  if (reason.length > MAX_REASON_LENGTH) {
    throw invalidArgument('reason', `must be at most ${MAX_REASON_LENGTH} characters`);
  }
  if (CONTROL_CHARACTERS.test(reason)) throw invalidArgument('reason', 'must not contain control characters');
  const trimmed = reason.trim();
  return trimmed === '' ? null : trimmed;
}

const MAX_ACTOR_LENGTH = 200;

/** An actor as events name it: token:<name>, user:<name>, scheduler, system, anonymous. */
export function validateActor(actor: string): string {
  if (actor === '' || actor.length > MAX_ACTOR_LENGTH || CONTROL_CHARACTERS.test(actor)) {
    throw invalidArgument(
      'actor',
      `must be an actor as events show it (e.g. "user:alice"), at most ${MAX_ACTOR_LENGTH} characters`,
    );
  }
  return actor;
}

export function validateEventType(type: string): EventType {
  if (!isEventType(type)) throw invalidArgument('type', `must be one of ${EVENT_TYPES.join(', ')}`);
  return type;
}

export function validateKid(kid: string, field = 'kid'): string {
  if (!KID.test(kid)) throw invalidArgument(field, 'must be a key id as ListKeys shows it (base64url)');
  return kid;
}
