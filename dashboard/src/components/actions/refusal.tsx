import styles from './actions.module.css';

/** Shown instead of a form the signed-in role may not use. */
export function RoleRefusal({ role, doing }: { role: string; doing: string }) {
  return (
    <p className={styles.error} data-testid="role-refusal">
      Your role ({role}) cannot {doing}.
    </p>
  );
}
