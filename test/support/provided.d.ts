// Values test/support/global-setup.ts hands to test files through `inject(...)`.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL (database `postgres`) of the server the tests may create databases on. */
    databaseUrl: string;
    /** Names this run's test databases, so teardown can drop any a crashed test left behind. */
    databaseRunId: string;
  }
}

export {};
