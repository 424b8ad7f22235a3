import { randomBytes } from 'node:crypto';
import { crc32c } from './crc32c';

// Bit-at-a-time reference implementation, obviously correct and slow.
function reference(buf: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('matches the RFC 3720 (iSCSI) test vectors', () => {
    const asc = Uint8Array.from({ length: 32 }, (_, i) => i);
    const desc = Uint8Array.from({ length: 32 }, (_, i) => 31 - i);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(asc)).toBe(0x46dd794e);
    expect(crc32c(desc)).toBe(0x113fdb5c);
  });

  it('agrees with a bitwise reference for all short lengths and odd offsets', () => {
    const data = randomBytes(300);
    for (let len = 0; len <= 70; len++) {
      for (const off of [0, 1, 3, 7]) {
        const view = data.subarray(off, off + len);
        expect(crc32c(view)).toBe(reference(view));
      }
    }
    expect(crc32c(data)).toBe(reference(data));
  });

  it('chains through the seed', () => {
    const data = randomBytes(1000);
    for (const cut of [0, 1, 5, 8, 333, 999, 1000]) {
      expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(crc32c(data));
    }
  });
});
