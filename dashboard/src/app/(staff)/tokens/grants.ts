/** How many grant rows the new-token form offers (and its Server Action reads). */
export const MAX_GRANTS = 8;
