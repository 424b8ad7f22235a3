export * from './mongo';
export * from './nats-server';
