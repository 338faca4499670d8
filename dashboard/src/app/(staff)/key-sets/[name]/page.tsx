import { status } from '@grpc/grpc-js';
import type { Key } from '@keyward/proto/keyward/v1';
import { notFound } from 'next/navigation';
import { KeySetActions } from '../../../../components/actions/key-set-actions';
import { keyStateName, policyInWords } from '../../../../lib/format';
import { keySet as readKeySet, keysOf } from '../../../../lib/key-sets';
import { isGrpcError } from '../../../../lib/keyward-client';

function When({ at }: { at: Date | undefined }) {
  return at === undefined ? (
    <span className="muted">—</span>
  ) : (
    <time dateTime={at.toISOString()}>{at.toISOString()}</time>
  );
}

export default async function KeySetPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  let keySet;
  let keys: Key[];
  try {
    [keySet, keys] = await Promise.all([readKeySet(name), keysOf(name)]);
  } catch (error) {
    if (isGrpcError(error, status.NOT_FOUND)) notFound();
    throw error;
  }
  if (keySet === undefined) notFound();
  return (
    <main>
      <h1>{keySet.name}</h1>
      <p className="muted">
        {keySet.algorithm} · issuer <code>{keySet.issuer}</code>
      </p>
      <h2>Keys</h2>
      <table data-testid="keys">
        <thead>
          <tr>
            <th scope="col">Kid</th>
            <th scope="col">State</th>
            <th scope="col">Created</th>
            <th scope="col">Activated</th>
            <th scope="col">Retired</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.kid} data-testid={`key-${key.kid}`}>
              <td>
                <code>{key.kid}</code>
              </td>
              <td data-testid="state">{keyStateName(key.state)}</td>
              <td>
                <When at={key.createdAt} />
              </td>
              <td>
                <When at={key.activatedAt} />
              </td>
              <td>
                <When at={key.retiredAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Policy</h2>
      <ul data-testid="policy">
        {policyInWords(keySet.policy).map((sentence) => (
          <li key={sentence}>{sentence}</li>
        ))}
      </ul>
      <a href={`/key-sets/${encodeURIComponent(keySet.name)}/failures`}>Failures</a>
      <KeySetActions name={keySet.name} />
    </main>
  );
}
