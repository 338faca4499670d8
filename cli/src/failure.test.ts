import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { CliFailure, EXIT_FAILURE, EXIT_USAGE, oneLine, report, UsageError } from './failure.js';
import { REDACTED, Terminal } from './output.js';

function serviceError(code: status, details: string, metadata = new Metadata()): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

const call = { address: '127.0.0.1:50051', timeoutSeconds: 10 };

describe('report', () => {
  it('names the gRPC status and gives its details', () => {
    const denied = serviceError(status.PERMISSION_DENIED, 'this token has no sign scope on key set "payments"');
    expect(report(denied, call)).toEqual({
      exitCode: EXIT_FAILURE,
      message: 'PERMISSION_DENIED: this token has no sign scope on key set "payments"',
    });
  });

  it('explains a deadline, an unreachable server and a rate limit', () => {
    expect(report(serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded after 10.002s'), call).message).toBe(
      'DEADLINE_EXCEEDED: no answer from 127.0.0.1:50051 within 10 s (raise --timeout)',
    );
    expect(
      report(
        serviceError(
          status.UNAVAILABLE,
          'No connection established. Last error: connect ECONNREFUSED. Resolution note: ',
        ),
        call,
      ).message,
    ).toBe('UNAVAILABLE: cannot reach 127.0.0.1:50051: No connection established. Last error: connect ECONNREFUSED.');
    const metadata = new Metadata();
    metadata.set('retry-after-ms', '250');
    expect(report(serviceError(status.RESOURCE_EXHAUSTED, 'rate limit exceeded', metadata), call).message).toBe(
      'RESOURCE_EXHAUSTED: rate limit exceeded (retry after 250 ms)',
    );
  });

  it('is one line whatever the text, with exit 2 and the usage for usage errors', () => {
    expect(report(new CliFailure('two\nlines\u001b[2J'))).toEqual({
      exitCode: EXIT_FAILURE,
      message: 'two lines\\u001b[2J',
    });
    expect(report(new UsageError('missing <key-set>', 'usage: keyward keys list <key-set>'))).toEqual({
      exitCode: EXIT_USAGE,
      message: 'missing <key-set>',
      usage: 'usage: keyward keys list <key-set>',
    });
    expect(report(new TypeError('boom')).message).toBe('unexpected error: boom');
    expect(oneLine(' a \r\n b ')).toBe('a b');
  });
});

describe('Terminal', () => {
  it('redacts the protected token from everything it writes', () => {
    const written: string[] = [];
    const terminal = new Terminal({
      stdout: (text) => written.push(text),
      stderr: (text) => written.push(text),
      readStdin: () => Promise.resolve(''),
    });
    terminal.stdout('before kw_secret is protected\n');
    terminal.protect('kw_secret');
    terminal.stdout('kw_secret and kw_secret\n');
    terminal.stderr('keyward: kw_secret\n');
    expect(written).toEqual([
      'before kw_secret is protected\n',
      `${REDACTED} and ${REDACTED}\n`,
      `keyward: ${REDACTED}\n`,
    ]);
  });
});
