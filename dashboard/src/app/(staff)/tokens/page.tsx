import { Scope, type ApiToken, type Grant } from '@keyward/proto/keyward/v1';
import Link from 'next/link';
import styles from '../../../components/actions/actions.module.css';
import { RoleRefusal } from '../../../components/actions/refusal';
import { readableKeySets } from '../../../lib/key-sets';
import { callAsStaff, currentStaff } from '../../../lib/session';
import { CreateTokenForm } from './create-token-form';
import { RevokeTokenButton } from './revoke-token-button';

const PAGE_SIZE = 25;

/** Scopes a token may be given, as the form offers them. */
const SCOPES = [
  Scope.SCOPE_READ,
  Scope.SCOPE_SIGN,
  Scope.SCOPE_VERIFY,
  Scope.SCOPE_REPORT,
  Scope.SCOPE_OPERATE,
  Scope.SCOPE_ADMIN,
  Scope.SCOPE_DECRYPT,
].map((scope) => ({ value: scope, label: scopeName(scope) }));

function scopeName(scope: Scope): string {
  return (Scope[scope] ?? String(scope)).replace(/^SCOPE_/, '').toLowerCase();
}

function grantsInWords(grants: Grant[]): string {
  return grants
    .map(
      (grant) => `${grant.keySet === '*' ? 'every key set' : grant.keySet}: ${grant.scopes.map(scopeName).join(', ')}`,
    )
    .join('; ');
}

function When({ at, none }: { at: Date | undefined; none: string }) {
  return at === undefined ? (
    <span className="muted">{none}</span>
  ) : (
    <time dateTime={at.toISOString()}>{at.toISOString()}</time>
  );
}

export default async function TokensPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const staff = await currentStaff();
  if (staff.role !== 'admin') {
    return (
      <main>
        <h1>API tokens</h1>
        <RoleRefusal role={staff.role} doing="manage API tokens" />
      </main>
    );
  }
  const { page } = await searchParams;
  const pageToken = typeof page === 'string' ? page : '';
  const [list, keySets] = await Promise.all([
    callAsStaff('listApiTokens', { pageSize: PAGE_SIZE, pageToken }),
    readableKeySets(),
  ]);
  return (
    <main>
      <h1>API tokens</h1>
      <p className="muted">
        Machine tokens: each has grants (scopes on key sets). Keyward keeps only a hash of each secret.
      </p>
      <div className={styles.tableWrap}>
        <table data-testid="tokens">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Grants</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.tokens.map((token: ApiToken) => (
              <tr key={token.id} data-testid={`token-${token.name}`}>
                <th scope="row">{token.name}</th>
                <td>{grantsInWords(token.grants)}</td>
                <td>
                  <When at={token.createdAt} none="—" /> <span className="muted">by {token.createdBy || '—'}</span>
                </td>
                <td>
                  <When at={token.expiresAt} none="never" />
                </td>
                <td>
                  <When at={token.lastUsedAt} none="not yet" />
                </td>
                <td data-testid="status">
                  {token.revokedAt !== undefined ? <>revoked</> : <RevokeTokenButton id={token.id} name={token.name} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className={styles.inline}>
        {pageToken === '' ? null : <Link href="/tokens">First page</Link>}
        {list.nextPageToken === '' ? null : (
          <Link href={`/tokens?page=${encodeURIComponent(list.nextPageToken)}`}>Next page</Link>
        )}
      </p>
      <h2>New token</h2>
      <CreateTokenForm keySets={['*', ...keySets.map((keySet) => keySet.name)]} scopes={SCOPES} />
    </main>
  );
}
