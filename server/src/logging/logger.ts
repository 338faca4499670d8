import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

export type { Logger };

// Belt and braces: no code path should log these, and if one does they are blanked.
const REDACTED_PATHS = [
  'authorization',
  'token',
  'password',
  'masterKey',
  'privateKey',
  '*.authorization',
  '*.token',
  '*.password',
  '*.masterKey',
  '*.privateKey',
];

export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'keyward' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
