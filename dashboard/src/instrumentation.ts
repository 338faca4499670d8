// Next.js calls register() once when the server boots; the check itself needs Node.js.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { checkConfigurationAtBoot } = await import('./lib/boot');
  checkConfigurationAtBoot();
}
