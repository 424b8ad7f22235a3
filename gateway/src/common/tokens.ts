/** Injection token of the gateway's pino logger (a type, not a class, so it needs one). */
export const LOGGER = Symbol('LOGGER');
