import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliFailure } from './failure.js';
import { REDACTED, Terminal } from './output.js';
import { readInput, readPassword } from './stdin.js';

const PASSWORD = 'correct horse battery staple';

/** A terminal whose standard input is `input`, recording what it writes. */
function terminalReading(input: string) {
  const written: string[] = [];
  const terminal = new Terminal({
    stdout: (text) => written.push(text),
    stderr: (text) => written.push(text),
    readStdin: () => readInput(Readable.from([Buffer.from(input)])),
  });
  return { terminal, written };
}

describe('readInput', () => {
  it('reads the whole stream, in any number of chunks', async () => {
    expect(await readInput(Readable.from(['pass', 'word\n', Buffer.from('é')]))).toBe('password\né');
    expect(await readInput(Readable.from([]))).toBe('');
  });

  it('refuses more than the limit, reading no further, and a terminal', async () => {
    await expect(readInput(Readable.from([Buffer.alloc(64 * 1024, 'a')]))).resolves.toHaveLength(64 * 1024);
    const large = Readable.from([Buffer.alloc(64 * 1024, 'a'), 'b', 'never read']);
    await expect(readInput(large)).rejects.toEqual(
      new CliFailure('standard input is larger than 64 KiB: it does not hold a password'),
    );
    expect(large.destroyed).toBe(true);
    const terminal = Object.assign(Readable.from([PASSWORD]), { isTTY: true });
    await expect(readInput(terminal)).rejects.toEqual(
      new CliFailure(
        'standard input is a terminal, which would echo the password: pipe it in or redirect it from a file',
      ),
    );
  });
});

describe('readPassword', () => {
  it('drops one trailing line ending and nothing else', async () => {
    for (const [input, password] of [
      [PASSWORD, PASSWORD],
      [`${PASSWORD}\n`, PASSWORD],
      [`${PASSWORD}\r\n`, PASSWORD],
      [`${PASSWORD}\n\n`, `${PASSWORD}\n`],
      [` ${PASSWORD} \n`, ` ${PASSWORD} `],
    ] as const) {
      expect(await readPassword(terminalReading(input).terminal)).toBe(password);
    }
  });

  it('refuses an empty standard input', async () => {
    for (const input of ['', '\n', '\r\n']) {
      await expect(readPassword(terminalReading(input).terminal)).rejects.toThrow(
        /^--password-stdin: standard input is empty; pipe the password in/,
      );
    }
  });

  it('protects the password it read from ever being written', async () => {
    const { terminal, written } = terminalReading(`${PASSWORD}\n`);
    await readPassword(terminal);
    terminal.stderr(`keyward: the service said ${PASSWORD}\n`);
    expect(written).toEqual([`keyward: the service said ${REDACTED}\n`]);
  });
});
