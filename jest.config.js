/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/helpers/globalSetup.ts',
  globalTeardown: '<rootDir>/test/helpers/globalTeardown.ts',
  // Room for a busy 2-core CI machine: tests wait on conditions, and these are only the ceiling.
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/helpers/summaryReporter.js'],
};
