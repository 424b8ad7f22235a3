export * from './erasure-consumer';
export * from './export-json';
export * from './personal-data';
export * from './personal-data.registry';
export * from './platform-personal-data';
export * from './privacy.module';
export * from './subject-request';
