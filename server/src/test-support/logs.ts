import { Writable } from 'node:stream';
import type { LogLevel } from '../config/config.js';
import { createLogger, type Logger } from '../logging/logger.js';

/** A real logger whose JSON lines are appended to `lines`, for tests that read what was logged. */
export function loggerInto(lines: string[], level: LogLevel = 'debug'): Logger {
  return createLogger(
    level,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((line) => line !== ''),
        );
        done();
      },
    }),
  );
}
