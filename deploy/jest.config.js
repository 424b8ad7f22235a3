const preset = require('../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'deploy',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 60000,
  // The deploy checks load the gateway's configuration, which imports jose: ES modules only,
  // so jest's CommonJS runtime needs them compiled (as in gateway/jest.config.js).
  transform: {
    ...preset.transform,
    'node_modules/jose/.+\\.js$': preset.transform['^.+\\.ts$'],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
