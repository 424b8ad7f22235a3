export * from './mongo';
export * from './nats-server';
export * from './bench';
