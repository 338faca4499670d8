// The layering rules of server/src, cli/src, sdk/src and dashboard/src, checked by `npm run depcheck` (part of `npm test`).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment:
        'Dependencies between folders point down only. Records and names every layer uses belong in model/; ' +
        'a lower layer that needs something from a higher one takes it as a function or a structural type.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      comment: 'Production code never imports tests or test support: they are not built into server/dist.',
      from: { path: '^(server|cli|sdk|dashboard)/src/', pathNot: ['\\.test\\.ts$', '/test-support/'] },
      to: { path: ['\\.test\\.ts$', '/test-support/'] },
    },
    {
      name: 'cli-is-a-client',
      severity: 'error',
      comment: 'The CLI talks to the public gRPC contract only: installing it must not install the server.',
      from: { path: '^cli/src/' },
      to: { path: '^server/' },
    },
    {
      name: 'dashboard-is-a-client',
      severity: 'error',
      comment:
        'The dashboard talks to the public gRPC contract only, like the CLI: never to the server or its database.',
      from: { path: '^dashboard/src/' },
      to: { path: '^(server|cli|sdk)/' },
    },
    {
      name: 'sdk-is-a-client',
      severity: 'error',
      comment: 'The verifier SDK talks to the public HTTP endpoints only: relying parties must not install the server.',
      from: { path: '^sdk/src/' },
      to: { path: '^(server|cli|proto)/' },
    },
  ],
  options: {
    // Generated code (ts-proto, Prisma) is not ours to arrange; it is checked only as a target.
    exclude: { path: ['^server/src/store/generated/', '^proto/gen/'] },
    // Tests may reach into any layer for fixtures; the layering is about the code that ships.
    doNotFollow: { path: ['node_modules', '^proto/', '\\.test\\.ts$', '/test-support/', '^test/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js'],
    },
  },
};
