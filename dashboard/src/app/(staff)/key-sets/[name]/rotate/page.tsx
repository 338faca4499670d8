import { status } from '@grpc/grpc-js';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RoleRefusal } from '../../../../../components/actions/refusal';
import { keySet as readKeySet } from '../../../../../lib/key-sets';
import { isGrpcError } from '../../../../../lib/keyward-client';
import { rotationPreflight } from '../../../../../lib/rotation-preflight';
import { callAsStaff, currentStaff } from '../../../../../lib/session';
import { RotateForm } from './rotate-form';

export default async function RotatePage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const staff = await currentStaff();
  let keySet;
  let readiness;
  try {
    [keySet, readiness] = await Promise.all([readKeySet(name), callAsStaff('getRotationReadiness', { keySet: name })]);
  } catch (error) {
    if (isGrpcError(error, status.NOT_FOUND)) notFound();
    throw error;
  }
  if (keySet === undefined) notFound();
  const preflight = rotationPreflight(keySet, readiness, new Date());
  return (
    <main>
      <p>
        <Link href={`/key-sets/${encodeURIComponent(name)}`}>← {name}</Link>
      </p>
      <h1>Rotate {name}</h1>
      <p className="muted">
        Signing key now: <code>{keySet.activeKid || 'none'}</code>
        {readiness.pendingKid === '' ? null : (
          <>
            {' '}
            · pending: <code>{readiness.pendingKid}</code>
          </>
        )}
      </p>
      {staff.role === 'operator' || staff.role === 'admin' ? (
        <RotateForm
          keySet={name}
          scheduled={preflight.scheduled}
          immediate={preflight.immediate}
          unprepared={preflight.clientsUnprepared}
          seen={preflight.clientsSeen}
        />
      ) : (
        <RoleRefusal role={staff.role} doing="rotate keys" />
      )}
    </main>
  );
}
