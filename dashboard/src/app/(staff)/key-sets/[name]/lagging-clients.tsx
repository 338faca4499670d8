import type { JwksClient } from '@keyward/proto/keyward/v1';
import { relativeTime } from '../../../../lib/format';
import tables from './tables.module.css';

interface Props {
  readonly clients: readonly JwksClient[];
  readonly more: number;
  readonly now: Date;
  readonly keyPage: (kid: string) => string;
}

function Seen({ at, now }: { at: Date | undefined; now: Date }) {
  return at === undefined ? (
    '—'
  ) : (
    <time dateTime={at.toISOString()} title={at.toISOString()}>
      {relativeTime(at, now)}
    </time>
  );
}

/** The clients that fetched the JWKS lately but never got the pending key. */
export function LaggingClients({ clients, more, now, keyPage }: Props) {
  if (clients.length === 0) {
    return <p data-testid="lagging-none">Every client seen lately has fetched the pending key.</p>;
  }
  return (
    <>
      <h3>Clients without the pending key</h3>
      <p className="muted">
        Keyward keeps neither the address nor the User-Agent of a JWKS client, only a keyed hash of both: each is named
        by a pseudonym that stays the same while the client does.
      </p>
      <div className={tables.scrollX}>
        <table data-testid="lagging-clients">
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">First fetched</th>
              <th scope="col">Last fetched</th>
              <th scope="col">Newest key it holds</th>
            </tr>
          </thead>
          <tbody>
            {clients.map((client) => (
              <tr key={client.clientId}>
                <th scope="row">
                  <code>{client.clientId}</code>
                </th>
                <td>
                  <Seen at={client.firstSeen} now={now} />
                </td>
                <td>
                  <Seen at={client.lastSeen} now={now} />
                </td>
                <td>
                  {client.newestKid === '' ? (
                    <span className="muted">a key no longer kept</span>
                  ) : (
                    <a href={keyPage(client.newestKid)} data-testid="lagging-newest-kid">
                      <code>{client.newestKid}</code>
                    </a>
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
