const fs = require('node:fs');
const path = require('node:path');
// Transpile-only (swc); types are checked separately by `npm run typecheck`.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2023',
      },
      module: { type: 'commonjs' },
    },
  ],
};
const moduleNameMapper = {
  '^@callfleet/(audio|contracts|detection|platform|persistence|resilience|telephony|testing)$':
    '<rootDir>/libs/$1/src/index.ts',
};
const common = {
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  rootDir: __dirname,
  roots: ['apps', 'libs', 'tools', 'test', 'deploy']
    .filter((d) => fs.existsSync(path.join(__dirname, d)))
    .map((d) => `<rootDir>/${d}`),
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testRegex: '\\.spec\\.ts$' },
    {
      ...common,
      displayName: 'integration',
      testRegex: '\\.(int|e2e)-spec\\.ts$',
      // jest-circus reads testTimeout from the global config only; a project's own is ignored.
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/integration-timeout.ts'],
      // Streams and KV buckets of the run's namespaces are deleted from the shared NATS afterwards.
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      slowTestThreshold: 20,
    },
  ],
};
