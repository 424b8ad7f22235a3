/**
 * Refresh tokens are 256 random bits, base64url; the database keeps only their SHA-256. A
 * spent token's successor is sealed (AES-256-GCM) under a key derived from the spent token, so
 * the grace-window answer can return the same successor without storing it readable.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function sealingKey(spentToken: string): Buffer {
  return createHash('sha256').update('spilno-refresh-successor:').update(spentToken).digest();
}

export function sealSuccessor(spentToken: string, successor: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(spentToken), iv);
  const sealed = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The successor, or null when the seal does not open with this token. */
export function openSuccessor(spentToken: string, sealed: string): string | null {
  try {
    const bytes = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(spentToken), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
