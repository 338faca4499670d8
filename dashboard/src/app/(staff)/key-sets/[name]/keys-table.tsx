import type { Key } from '@keyward/proto/keyward/v1';
import { keyStateName } from '../../../../lib/format';
import tables from './tables.module.css';

// Plain ISO text, not <time>: with hundreds of keys every byte of a row counts.
function When({ at }: { at: Date | undefined }) {
  return at === undefined ? <span className="muted">—</span> : at.toISOString();
}

/** Every key of the set, each kid leading to its key page (plain links: hundreds need no prefetching). */
export function KeysTable({ keySet, keys }: { keySet: string; keys: readonly Key[] }) {
  return (
    <section aria-labelledby="keys-heading">
      <h2 id="keys-heading">Keys</h2>
      <div className={tables.scrollX}>
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
                <th scope="row">
                  <a href={`/key-sets/${encodeURIComponent(keySet)}/keys/${encodeURIComponent(key.kid)}`}>
                    <code>{key.kid}</code>
                  </a>
                </th>
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
      </div>
    </section>
  );
}
