// Tiers are separate projects so a developer can run one (`--selectProjects unit`); `npm test` runs them all.
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  rootDir: __dirname,
  moduleNameMapper,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

module.exports = {
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Integration and e2e tests start real services (PGlite, Kafka clients); unit tests finish far sooner.
  testTimeout: 60000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,packages,test}/**/*.unit.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,packages,test}/**/*.int.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,packages,test}/**/*.e2e.spec.ts'] },
    // Requests generated from /docs/json against the real service; FUZZ_SEED replays a run.
    { ...base, displayName: 'fuzz', testMatch: ['<rootDir>/{apps,libs,packages,test}/**/*.fuzz.spec.ts'] },
    // The operator console in headless Chromium against the real service (test/browser).
    { ...base, displayName: 'browser', testMatch: ['<rootDir>/{apps,libs,packages,test}/**/*.browser.spec.ts'] },
  ],
};
