import {
  availabilityProblems,
  END_OF_WINDOW_PATTERN,
  ISO_639_1_CODES,
  latestBirthYear,
  TIME_OF_DAY_PATTERN,
} from './profile';

describe('availabilityProblems', () => {
  const w = (day: string, from: string, to: string) => ({ day, from, to });

  it('accepts windows that touch, or fall on different days', () => {
    expect(
      availabilityProblems([
        w('mon', '09:00', '12:00'),
        w('mon', '12:00', '14:00'),
        w('tue', '09:00', '24:00'),
        w('wed', '10:00', '11:00'),
      ]),
    ).toEqual([]);
  });

  it('names a window that overlaps an earlier one of the same day', () => {
    const problems = availabilityProblems([
      w('sat', '10:00', '12:00'),
      w('mon', '09:00', '10:00'),
      w('sat', '11:30', '13:00'),
    ]);
    expect(problems).toEqual([
      { field: 'availability.2', message: 'overlaps availability.0 on sat (10:00-12:00)' },
    ]);
  });

  it('sees a window inside a long one even after a shorter one', () => {
    const problems = availabilityProblems([
      w('fri', '08:00', '18:00'),
      w('fri', '09:00', '10:00'),
      w('fri', '11:00', '12:00'),
    ]);
    expect(problems.map((p) => p.field)).toEqual(['availability.1', 'availability.2']);
  });

  it('refuses a window that does not end after it starts', () => {
    expect(availabilityProblems([w('sun', '12:00', '12:00'), w('sun', '13:00', '09:00')])).toEqual([
      { field: 'availability.0.to', message: 'to must be later than from' },
      { field: 'availability.1.to', message: 'to must be later than from' },
    ]);
  });

  it('leaves malformed entries to the per-field checks instead of throwing', () => {
    expect(availabilityProblems([null, 'x', { day: 'mon', from: { $gt: '' } }])).toEqual([]);
  });
});

describe('time patterns', () => {
  it('accept HH:MM from 00:00, and 24:00 only as an end', () => {
    expect(TIME_OF_DAY_PATTERN.test('00:00')).toBe(true);
    expect(TIME_OF_DAY_PATTERN.test('23:59')).toBe(true);
    expect(TIME_OF_DAY_PATTERN.test('24:00')).toBe(false);
    expect(END_OF_WINDOW_PATTERN.test('24:00')).toBe(true);
    for (const bad of ['9:00', '12:60', '25:00', '12:00 ', '24:01']) {
      expect(END_OF_WINDOW_PATTERN.test(bad)).toBe(false);
    }
  });
});

describe('latestBirthYear', () => {
  it('is 14 years before the current year', () => {
    expect(latestBirthYear(new Date('2026-01-01T00:00:00Z'))).toBe(2012);
    expect(latestBirthYear(new Date('2026-12-31T23:59:59Z'))).toBe(2012);
  });
});

describe('ISO_639_1_CODES', () => {
  it('holds the 183 two-letter codes, once each, Ukrainian included', () => {
    expect(ISO_639_1_CODES).toHaveLength(183);
    expect(new Set(ISO_639_1_CODES).size).toBe(183);
    for (const code of ISO_639_1_CODES) expect(code).toMatch(/^[a-z]{2}$/);
    expect(ISO_639_1_CODES).toEqual(expect.arrayContaining(['uk', 'en', 'pl', 'de']));
  });
});
