// What `next start` does once at boot (src/instrumentation.ts): a configuration mistake stops the
// dashboard at once, with a message naming the variable, instead of surfacing on the first page view.
import { dashboardConfig, DashboardConfigError } from './dashboard-config';

export function checkConfigurationAtBoot(): void {
  try {
    const { server, tls } = dashboardConfig();
    console.log(`keyward dashboard: Keyward at ${server} over ${tls === undefined ? 'plaintext gRPC' : 'TLS'}`);
  } catch (error) {
    if (!(error instanceof DashboardConfigError)) throw error;
    console.error(`keyward dashboard: ${error.message}`);
    process.exit(2);
  }
}
