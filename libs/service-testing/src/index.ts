export * from './service-suite';
