const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'service-testing',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 30000,
};
