import Link from 'next/link';
import type { ReactNode } from 'react';
import { currentStaff } from '../../lib/session';
import { signOut } from '../actions';

/** Every staff page: who is signed in, in which role, and the way out. */
export default async function StaffLayout({ children }: { children: ReactNode }) {
  const staff = await currentStaff();
  return (
    <>
      <header className="staff-bar">
        <Link href="/">Keyward</Link>
        <nav aria-label="Screens" className="screens">
          <Link href="/">Overview</Link>
          <Link href="/audit">Audit log</Link>
          <Link href="/tools">JWK tools</Link>
          {staff.role === 'admin' ? <Link href="/tokens">Tokens</Link> : null}
          {staff.role === 'admin' ? <Link href="/users">Users</Link> : null}
        </nav>
        <span className="who" data-testid="staff">
          Signed in as <strong>{staff.username}</strong> ({staff.role})
        </span>
        <form action={signOut}>
          <button type="submit" data-testid="sign-out">
            Sign out
          </button>
        </form>
      </header>
      {children}
    </>
  );
}
