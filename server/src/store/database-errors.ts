import { KeywardError } from '../errors.js';
import { Prisma } from './generated/client.js';

const UNAVAILABLE_MESSAGE =
  'the database is unavailable; changes are refused until it is back (Sign and the JWKS keep working)';

/**
 * Turns whatever the database layer threw into a KeywardError. A unique-constraint violation
 * becomes `onConflict` when given; request errors that are our own bugs stay INTERNAL; anything
 * else (connection refused, timeouts, a dropped connection) is UNAVAILABLE.
 */
export function translateDatabaseError(error: unknown, onConflict?: () => KeywardError): KeywardError {
  if (error instanceof KeywardError) return error;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2002' && onConflict !== undefined) return onConflict();
    if (error.code.startsWith('P2')) {
      return new KeywardError('INTERNAL', 'the database refused the request', { cause: error });
    }
  }
  if (error instanceof Prisma.PrismaClientValidationError) {
    return new KeywardError('INTERNAL', 'the database refused the request', { cause: error });
  }
  return new KeywardError('UNAVAILABLE', UNAVAILABLE_MESSAGE, { cause: error });
}
