import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Keyward',
  description: 'Key lifecycles for security staff',
  referrer: 'no-referrer',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page, the not-found page included, is rendered per request: its scripts carry that
  // request's CSP nonce. A page prerendered at build time would have none, and be blocked.
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
