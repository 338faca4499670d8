import { status } from '@grpc/grpc-js';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RoleRefusal } from '../../../../../components/actions/refusal';
import { policyInWords } from '../../../../../lib/format';
import { keySet as readKeySet } from '../../../../../lib/key-sets';
import { isGrpcError } from '../../../../../lib/keyward-client';
import { policyFormValues } from '../../../../../lib/policy-form';
import { currentStaff } from '../../../../../lib/session';
import { PolicyForm } from './policy-form';

export default async function PolicyPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const staff = await currentStaff();
  let keySet;
  try {
    keySet = await readKeySet(name);
  } catch (error) {
    if (isGrpcError(error, status.NOT_FOUND)) notFound();
    throw error;
  }
  if (keySet?.policy === undefined) notFound();
  return (
    <main>
      <p>
        <Link href={`/key-sets/${encodeURIComponent(name)}`}>← {name}</Link>
      </p>
      <h1>Policy of {name}</h1>
      <h2>Now</h2>
      <ul data-testid="current-policy">
        {policyInWords(keySet.policy).map((sentence) => (
          <li key={sentence}>{sentence}</li>
        ))}
      </ul>
      {staff.role === 'admin' ? (
        <PolicyForm keySet={name} values={policyFormValues(keySet.policy)} />
      ) : (
        <RoleRefusal role={staff.role} doing="edit policies" />
      )}
    </main>
  );
}
