/**
 * Environment validated at boot: a process with bad configuration refuses to start and names
 * every variable that is wrong. Each project declares a class of the variables it reads.
 */
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map(
      (message) => `${e.property}=${JSON.stringify(e.value ?? null)}: ${message}`,
    ),
  );
}

export function loadConfig<T extends object>(
  cls: new () => T,
  env: Record<string, string | undefined> = process.env,
): T {
  const defined = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const config = plainToInstance(cls, defined, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true });
  if (errors.length) throw new ConfigError(describe(errors));
  return config;
}

/**
 * Several configuration classes read from one environment (a process's own variables plus a
 * shared group such as the JWT settings); every wrong variable of all of them is named at once.
 */
export function loadConfigs<T extends object[]>(
  classes: { [K in keyof T]: new () => T[K] },
  env: Record<string, string | undefined> = process.env,
): T {
  const problems: string[] = [];
  const loaded = classes.map((cls) => {
    try {
      return loadConfig(cls, env);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  });
  if (problems.length) throw new ConfigError(problems);
  return loaded as T;
}
