import type { ClientSession, Connection } from 'mongoose';
import { Outbox, newEvent, nextPosition } from './outbox';

describe('newEvent', () => {
  it('makes an envelope with a UUID and an ISO-8601 UTC time', () => {
    const event = newEvent('evt.users.user.registered.v1', 'users', { userId: 'u1' });

    expect(event.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(event.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(event).toMatchObject({
      type: 'evt.users.user.registered.v1',
      source: 'users',
      data: { userId: 'u1' },
    });
    expect(newEvent('evt.a.b.c.v1', 'users', {}).id).not.toBe(event.id);
  });
});

describe('nextPosition', () => {
  it('is strictly increasing even within one microsecond', () => {
    const positions = Array.from({ length: 10_000 }, () => nextPosition());

    for (let i = 1; i < positions.length; i++) {
      expect(positions[i]).toBeGreaterThan(positions[i - 1]);
    }
    expect(Math.abs(positions[0] / 1000 - Date.now())).toBeLessThan(5000);
  });
});

describe('Outbox.add', () => {
  it('refuses a session that is not in a transaction, writing nothing', async () => {
    const insertMany = jest.fn();
    const connection = {
      models: { OutboxRecord: { insertMany } },
    } as unknown as Connection;
    const session = { inTransaction: () => false } as unknown as ClientSession;

    await expect(
      new Outbox(connection).add(newEvent('evt.a.b.c.v1', 'users', {}), session),
    ).rejects.toThrow(/transaction/);
    expect(insertMany).not.toHaveBeenCalled();
  });
});
