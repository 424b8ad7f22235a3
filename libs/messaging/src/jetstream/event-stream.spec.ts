import { DiscardPolicy, RetentionPolicy, StorageType, nanos } from 'nats';
import { eventStreamConfig } from './event-stream';

describe('eventStreamConfig', () => {
  it('describes SPILNO_EVENTS on file storage with a 2-minute de-duplication window', () => {
    expect(eventStreamConfig()).toEqual({
      name: 'SPILNO_EVENTS',
      subjects: ['evt.>'],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      num_replicas: 1,
      max_age: nanos(30 * 24 * 3600 * 1000),
      duplicate_window: nanos(120_000),
    });
  });

  it('takes the replica count of the production cluster', () => {
    expect(eventStreamConfig({ replicas: 3 }).num_replicas).toBe(3);
  });
});
