/** Two projects: fast pure unit tests, and integration tests against real components (run in band). */
const tsJest = ['ts-jest', {}];
module.exports = {
  // Jest reads testTimeout only at the top level; integration tests drive real servers on a 2-core machine.
  testTimeout: 180000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
  ],
};
