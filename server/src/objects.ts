/** A copy of `value` without its undefined members: what JSON and "unset means unchanged" want. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
