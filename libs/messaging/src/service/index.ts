export * from './bootstrap';
export * from './database';
export * from './health/health.module';
export * from './health/health.service';
export * from './in-flight';
export * from './service-context.module';
