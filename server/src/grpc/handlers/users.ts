// CreateUser, ListUsers, SetUserRole, DisableUser, Login and Logout.
import {
  Role as WireRole,
  type CreateUserRequest,
  type CreateUserResponse,
  type DisableUserRequest,
  type DisableUserResponse,
  type ListUsersRequest,
  type ListUsersResponse,
  type LoginRequest,
  type LoginResponse,
  type LogoutResponse,
  type SetUserRoleRequest,
  type SetUserRoleResponse,
  type User,
} from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import type { Role } from '../../model/roles.js';
import type { CallDeadline } from '../../limits/call-deadline.js';
import { byName, type Listing, type Pager } from '../../paging/pager.js';
import { parseRole, type Staff } from '../../service/staff.js';
import type { UserRecord } from '../../model/user.js';

const WIRE_ROLES: Readonly<Record<Role, WireRole>> = {
  viewer: WireRole.ROLE_VIEWER,
  operator: WireRole.ROLE_OPERATOR,
  admin: WireRole.ROLE_ADMIN,
};

const USERS: Listing<UserRecord, string> = {
  scope: ['ListUsers'],
  order: byName,
  positionOf: (user) => user.username,
};

function roleFromWire(role: WireRole): Role {
  return parseRole(Object.entries(WIRE_ROLES).find(([, wire]) => wire === role)?.[0]);
}

function toWireUser(user: UserRecord): User {
  return {
    username: user.username,
    role: WIRE_ROLES[user.role],
    createdAt: user.createdAt,
    disabledAt: user.disabledAt ?? undefined,
    createdBy: user.createdBy ?? '',
  };
}

export async function createUser(
  staff: Staff,
  request: CreateUserRequest,
  principal: Principal,
): Promise<CreateUserResponse> {
  const user = await staff.createUser(
    request.username,
    request.password,
    roleFromWire(request.role),
    actorName(principal),
  );
  return { user: toWireUser(user) };
}

export async function listUsers(staff: Staff, pager: Pager, request: ListUsersRequest): Promise<ListUsersResponse> {
  const page = await pager.page(request, USERS, (query) => staff.listUsers(query));
  return { users: page.items.map(toWireUser), nextPageToken: page.nextPageToken };
}

export async function setUserRole(
  staff: Staff,
  request: SetUserRoleRequest,
  principal: Principal,
): Promise<SetUserRoleResponse> {
  return { user: toWireUser(await staff.setRole(request.username, roleFromWire(request.role), actorName(principal))) };
}

export async function disableUser(
  staff: Staff,
  request: DisableUserRequest,
  principal: Principal,
): Promise<DisableUserResponse> {
  return { user: toWireUser(await staff.disable(request.username, actorName(principal))) };
}

export async function login(staff: Staff, request: LoginRequest, deadline: CallDeadline): Promise<LoginResponse> {
  const session = await staff.login(request.username, request.password, deadline);
  return { sessionToken: session.token, expiresAt: session.expiresAt, role: WIRE_ROLES[session.role] };
}

export async function logout(staff: Staff, principal: Principal): Promise<LogoutResponse> {
  await staff.logout(principal);
  return {};
}
