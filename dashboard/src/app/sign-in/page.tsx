import { safeNextPath } from '../../lib/next-path';
import { SignInForm } from './sign-in-form';

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { next } = await searchParams;
  return (
    <main>
      <SignInForm next={safeNextPath(typeof next === 'string' ? next : undefined)} />
    </main>
  );
}
