/**
 * Structured JSON logs (pino). Secrets and personal data never reach a log line: the paths
 * below are censored wherever they appear in a logged object.
 */
import pino, { Logger } from 'pino';
import { LogLevel } from './common.config';

export const REDACTED_PATHS = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'email',
  '*.email',
  'phone',
  '*.phone',
];

export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

export type { Logger };
