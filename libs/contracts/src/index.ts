export * from './envelope';
export * from './errors';
export * from './events';
export * from './health';
export * from './subjects';
export * from './users';
