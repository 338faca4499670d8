// Passwords come on standard input (`--password-stdin`), never as arguments: read whole, bounded,
// and never from a terminal, where what is typed is echoed on the screen.

import { CliFailure } from './failure.js';
import type { Terminal } from './output.js';

/** A password is one line; anything this large is the wrong input. */
export const MAX_STDIN_BYTES = 64 * 1024;

/** The whole stream as UTF-8, or a CliFailure: from a terminal, or larger than `maxBytes`. */
export async function readInput(
  stream: AsyncIterable<Buffer | string> & { readonly isTTY?: boolean },
  maxBytes = MAX_STDIN_BYTES,
): Promise<string> {
  if (stream.isTTY === true) {
    throw new CliFailure(
      'standard input is a terminal, which would echo the password: pipe it in or redirect it from a file',
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    // Leaving the loop destroys the stream: the rest is not read.
    if (size > maxBytes)
      throw new CliFailure(`standard input is larger than ${maxBytes / 1024} KiB: it does not hold a password`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The password on standard input, protected from then on. Only the line ending `echo` or an editor
 * adds is dropped: spaces and anything else are part of the password.
 */
export async function readPassword(out: Terminal): Promise<string> {
  const password = (await out.readStdin()).replace(/\r?\n$/, '');
  if (password === '') {
    throw new CliFailure(
      '--password-stdin: standard input is empty; pipe the password in (printf \'%s\' "$PW" | keyward ...) or redirect it from a file',
    );
  }
  out.protect(password);
  return password;
}
