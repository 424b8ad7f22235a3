/**
 * Where the service reads the time: every rule that depends on it (shifts that started, the
 * outreach day, how soon a shift starts) asks the clock, so tests can run a simulated week.
 */
import { DynamicModule, Global, Module } from '@nestjs/common';

export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('MATCHING_CLOCK');

export const systemClock: Clock = { now: () => new Date() };

@Global()
@Module({})
export class ClockModule {
  static forRoot(clock: Clock): DynamicModule {
    return {
      module: ClockModule,
      providers: [{ provide: CLOCK, useValue: clock }],
      exports: [CLOCK],
    };
  }
}
