export * from './ability';
export * from './auth.config';
export * from './guards';
export * from './jwt';
export * from './policy';
