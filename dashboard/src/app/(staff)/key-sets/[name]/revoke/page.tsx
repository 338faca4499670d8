import { status } from '@grpc/grpc-js';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RoleRefusal } from '../../../../../components/actions/refusal';
import { keyStateName } from '../../../../../lib/format';
import { keySet as readKeySet, keysOf } from '../../../../../lib/key-sets';
import { isGrpcError } from '../../../../../lib/keyward-client';
import { revocableKeys, revocationConsequences } from '../../../../../lib/revocation-preflight';
import { callAsStaff, currentStaff } from '../../../../../lib/session';
import { RevokeForm, type RevocableKey } from './revoke-form';

export default async function RevokePage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ name }, { kid }] = await Promise.all([params, searchParams]);
  const staff = await currentStaff();
  let keySet;
  let keys;
  let readiness;
  try {
    [keySet, keys, readiness] = await Promise.all([
      readKeySet(name),
      keysOf(name),
      callAsStaff('getRotationReadiness', { keySet: name }),
    ]);
  } catch (error) {
    if (isGrpcError(error, status.NOT_FOUND)) notFound();
    throw error;
  }
  if (keySet === undefined) notFound();
  const revocable: RevocableKey[] = revocableKeys(keys).map((key) => ({
    kid: key.kid,
    state: keyStateName(key.state),
    consequences: revocationConsequences(key, keySet, readiness),
  }));
  return (
    <main>
      <p>
        <Link href={`/key-sets/${encodeURIComponent(name)}`}>← {name}</Link>
      </p>
      <h1>Revoke a key of {name}</h1>
      <p className="muted">For a key that is compromised, or believed to be. Only published keys can be revoked.</p>
      {staff.role !== 'operator' && staff.role !== 'admin' ? (
        <RoleRefusal role={staff.role} doing="revoke keys" />
      ) : revocable.length === 0 ? (
        <p>No key of this key set is published: there is nothing to revoke.</p>
      ) : (
        <RevokeForm keys={revocable} initialKid={typeof kid === 'string' ? kid : undefined} />
      )}
    </main>
  );
}
