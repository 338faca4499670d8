import type { JwksClient } from '@keyward/proto/keyward/v1';
import Link from 'next/link';
import { relativeTime } from '../../../../lib/format';
import tables from './tables.module.css';

interface Props {
  readonly clients: readonly JwksClient[];
  readonly more: number;
  readonly now: Date;
  readonly keyPage: (kid: string) => string;
}

/** The clients that fetched the JWKS lately but never got the pending key. */
export function LaggingClients({ clients, more, now, keyPage }: Props) {
  if (clients.length === 0) {
    return <p data-testid="lagging-none">Every client seen lately has fetched the pending key.</p>;
  }
  return (
    <>
      <h3>Clients without the pending key</h3>
      <p className="muted">Named by User-Agent: Keyward stores no client address, only a keyed hash of it.</p>
      <div className={tables.scrollX}>
        <table data-testid="lagging-clients">
          <thead>
            <tr>
              <th scope="col">User-Agent</th>
              <th scope="col">Client</th>
              <th scope="col">Last fetched</th>
              <th scope="col">Newest key it holds</th>
            </tr>
          </thead>
          <tbody>
            {clients.map((client) => (
              <tr key={client.clientId}>
                <th scope="row">
                  <code>{client.userAgent === '' ? '(none sent)' : client.userAgent}</code>
                </th>
                <td>
                  <code>{client.clientId}</code>
                </td>
                <td>
                  {client.lastSeen === undefined ? (
                    '—'
                  ) : (
                    <time dateTime={client.lastSeen.toISOString()} title={client.lastSeen.toISOString()}>
                      {relativeTime(client.lastSeen, now)}
                    </time>
                  )}
                </td>
                <td>
                  {client.newestKid === '' ? (
                    <span className="muted">a key no longer kept</span>
                  ) : (
                    <Link href={keyPage(client.newestKid)}>
                      <code>{client.newestKid}</code>
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more > 0 && <p className="muted">…and {more} more not listed.</p>}
    </>
  );
}
