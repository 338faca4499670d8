import { defineConfig } from 'prisma/config';

// The CLI is only used for `prisma generate` here; migrations are applied by the service's own
// migrator (server/src/store/migrate.ts), which keeps Prisma's `_prisma_migrations` bookkeeping.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/keyward' },
});
