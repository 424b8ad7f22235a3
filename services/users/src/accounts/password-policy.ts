/**
 * Which passwords an account may have: at least 10 characters (the DTO checks the length),
 * not one of the common passwords shipped in `data/common-passwords.txt`, not the email.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Injectable } from '@nestjs/common';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

function loadCommonPasswords(): Set<string> {
  const text = readFileSync(path.join(__dirname, 'data', 'common-passwords.txt'), 'utf8');
  return new Set(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.toLowerCase()),
  );
}

@Injectable()
export class PasswordPolicy {
  private readonly common = loadCommonPasswords();

  /** True when the password is acceptable for this email. */
  accepts(password: string, email: string): boolean {
    const lowered = password.toLowerCase();
    if ([...password].length < MIN_PASSWORD_LENGTH) return false;
    if (this.common.has(lowered)) return false;
    if (lowered === email || lowered === email.split('@')[0]) return false;
    // One character repeated ("aaaaaaaaaaaa") is as good as none.
    return new Set(lowered).size > 2;
  }
}
