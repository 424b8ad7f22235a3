/**
 * argon2id at the OWASP Password Storage Cheat Sheet's first recommendation: 19 MiB, 2
 * iterations, parallelism 1 (about 50 ms of a core here). `@node-rs/argon2` ships prebuilt
 * binaries, so no install script has to run.
 */
import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import type { Algorithm, Options } from '@node-rs/argon2';

// `Algorithm` is a const enum, which an isolated-modules build cannot inline: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

export const ARGON2_OPTIONS: Options = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

@Injectable()
export class PasswordHasher {
  private dummy: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return verify(passwordHash, password);
  }

  /**
   * Spends the same work as a real check, for an email without an account, so the answer's
   * timing does not tell whether the account exists. Always false.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummy ??= this.hash('spilno-dummy-password-for-absent-accounts');
    await verify(await this.dummy, password);
    return false;
  }
}
