/** Routes NestJS's own log lines (bootstrap, transport status) through pino, as JSON. */
import { LoggerService } from '@nestjs/common';
import type { Logger } from '@spilno/config';

export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  // Nest's `log` lines are its start-up chatter (modules initialized); the service logs its
  // own "listening" line, so these only show at debug.
  log(message: unknown, ...context: unknown[]): void {
    this.logger.debug(fields(context), text(message));
  }

  error(message: unknown, ...context: unknown[]): void {
    this.logger.error(fields(context), text(message));
  }

  warn(message: unknown, ...context: unknown[]): void {
    this.logger.warn(fields(context), text(message));
  }

  debug(message: unknown, ...context: unknown[]): void {
    this.logger.debug(fields(context), text(message));
  }

  verbose(message: unknown, ...context: unknown[]): void {
    this.logger.trace(fields(context), text(message));
  }
}

function text(message: unknown): string {
  return message instanceof Error ? message.message : String(message);
}

// Nest passes (message, [stack,] context): the last string is the context (class name).
function fields(context: unknown[]): { context?: string; stack?: string } {
  const strings = context.filter((c): c is string => typeof c === 'string');
  if (strings.length === 0) return {};
  if (strings.length === 1) return { context: strings[0] };
  return { stack: strings[0], context: strings[strings.length - 1] };
}
