import { Role, type User } from '@keyward/proto/keyward/v1';
import styles from '../../../components/actions/actions.module.css';
import { RoleRefusal } from '../../../components/actions/refusal';
import { callAsStaff, currentStaff } from '../../../lib/session';
import { CreateUserForm } from './create-user-form';
import { UserControls } from './user-controls';

function roleName(role: Role): string {
  return (Role[role] ?? 'unknown').replace(/^ROLE_/, '').toLowerCase();
}

async function everyUser(): Promise<User[]> {
  const users: User[] = [];
  let pageToken = '';
  do {
    const page = await callAsStaff('listUsers', { pageSize: 500, pageToken });
    users.push(...page.users);
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return users;
}

export default async function UsersPage() {
  const staff = await currentStaff();
  if (staff.role !== 'admin') {
    return (
      <main>
        <h1>Staff users</h1>
        <RoleRefusal role={staff.role} doing="manage staff users" />
      </main>
    );
  }
  const users = await everyUser();
  return (
    <main>
      <h1>Staff users</h1>
      <p className="muted">
        Viewers read everything; operators also rotate and revoke keys; admins also edit policies, tokens and users.
      </p>
      <div className={styles.tableWrap}>
        <table data-testid="users">
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.username} data-testid={`user-${user.username}`}>
                <th scope="row">{user.username}</th>
                <td data-testid="role">{user.disabledAt === undefined ? roleName(user.role) : 'disabled'}</td>
                <td>
                  {user.createdAt?.toISOString() ?? '—'} <span className="muted">by {user.createdBy || '—'}</span>
                </td>
                <td>
                  {user.disabledAt !== undefined ? (
                    <span className="muted">disabled {user.disabledAt.toISOString()}</span>
                  ) : user.username === staff.username ? (
                    <span className="muted">you</span>
                  ) : (
                    <UserControls username={user.username} role={roleName(user.role)} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>New staff user</h2>
      <CreateUserForm />
    </main>
  );
}
