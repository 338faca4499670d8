import Link from 'next/link';

// Our own 404: Next's built-in one sets inline style attributes, which the CSP (style-src with a
// nonce, no 'unsafe-inline') rightly blocks.
export default function NotFound() {
  return (
    <main>
      <h1>Not found</h1>
      <p>
        There is no such page. <Link href="/">Back to the key sets</Link>
      </p>
    </main>
  );
}
