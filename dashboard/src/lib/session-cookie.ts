/** The cookie that holds a staff session token (HttpOnly, SameSite=Strict; see session.ts). */
export const SESSION_COOKIE = 'keyward_session';

/** The request header through which the proxy tells server code the path being rendered. */
export const PATH_HEADER = 'x-keyward-path';
