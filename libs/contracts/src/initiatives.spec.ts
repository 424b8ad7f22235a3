import {
  INITIATIVE_TIME_RULES,
  parseDateTime,
  TASK_TIME_RULES,
  timeWindowProblems,
} from './initiatives';

const NOW = new Date('2025-06-01T12:00:00Z');
const at = (iso: string) => new Date(iso);

describe('parseDateTime', () => {
  it('reads date-times with a zone, to the instant', () => {
    expect(parseDateTime('2025-06-01T09:00:00Z')?.toISOString()).toBe('2025-06-01T09:00:00.000Z');
    expect(parseDateTime('2025-06-01T09:00+03:00')?.toISOString()).toBe('2025-06-01T06:00:00.000Z');
    expect(parseDateTime('2025-01-01T00:30:00.5-02:00')?.toISOString()).toBe(
      '2025-01-01T02:30:00.500Z',
    );
  });

  it('refuses dates without a time or zone, impossible dates and other text', () => {
    for (const value of [
      '2025-06-01',
      '2025-06-01T09:00:00',
      '2025-02-30T10:00:00Z',
      '2025-13-01T10:00:00Z',
      '2025-06-01T25:00:00Z',
      'tomorrow',
      '',
    ]) {
      expect(parseDateTime(value)).toBeNull();
    }
  });
});

describe('timeWindowProblems', () => {
  it('accepts a shift that starts now and lasts a few hours', () => {
    const window = { startsAt: at('2025-06-01T12:00:00Z'), endsAt: at('2025-06-01T16:00:00Z') };

    expect(timeWindowProblems(window, TASK_TIME_RULES, NOW)).toEqual([]);
  });

  it('names the field that breaks each rule', () => {
    const problems = (startsAt: string | null, endsAt: string | null) =>
      timeWindowProblems(
        { startsAt: startsAt ? at(startsAt) : null, endsAt: endsAt ? at(endsAt) : null },
        TASK_TIME_RULES,
        NOW,
      ).map((p) => p.field);

    expect(problems('2025-06-02T10:00:00Z', '2025-06-02T09:00:00Z')).toEqual(['endsAt']);
    expect(problems('2025-06-02T10:00:00Z', '2025-06-02T10:00:00Z')).toEqual(['endsAt']);
    expect(problems('2025-06-02T10:00:00Z', '2025-07-03T10:00:00Z')).toEqual(['endsAt']);
    expect(problems('2025-05-30T10:00:00Z', '2025-05-30T12:00:00Z')).toEqual([
      'startsAt',
      'endsAt',
    ]);
    expect(problems('2028-01-01T10:00:00Z', '2028-01-01T12:00:00Z')).toEqual([
      'startsAt',
      'endsAt',
    ]);
    expect(problems(null, '2025-06-02T10:00:00Z')).toEqual(['startsAt']);
  });

  it('checks the distance in time only of the ends a change sets', () => {
    const started = { startsAt: at('2025-05-01T10:00:00Z'), endsAt: at('2025-05-20T10:00:00Z') };

    expect(timeWindowProblems(started, TASK_TIME_RULES, NOW, ['endsAt'])).toEqual([
      { field: 'endsAt', message: 'endsAt must not lie more than 1 day in the past' },
    ]);
    expect(timeWindowProblems(started, TASK_TIME_RULES, NOW, [])).toEqual([]);
  });

  it('lets initiatives go without dates, or with one end only', () => {
    expect(
      timeWindowProblems({ startsAt: null, endsAt: null }, INITIATIVE_TIME_RULES, NOW),
    ).toEqual([]);
    expect(
      timeWindowProblems(
        { startsAt: null, endsAt: at('2026-01-01T00:00:00Z') },
        INITIATIVE_TIME_RULES,
        NOW,
      ),
    ).toEqual([]);
  });
});
