import { EXCERPT_LENGTH } from '@spilno/contracts';
import { excerptOf, normaliseSearchText, searchQueryOf, searchTextOf } from './search-text';

describe('search text', () => {
  it('folds the three Ukrainian apostrophes and case to one spelling', () => {
    const spellings = ["П'ять", 'пʼять', 'П’ЯТЬ', 'п‘ять', 'п`ять'];

    expect(new Set(spellings.map(normaliseSearchText))).toEqual(new Set(['пять']));
  });

  it('keeps diacritics and Ukrainian letters as typed, lower-cased', () => {
    expect(normaliseSearchText('Їжак Йосип Ґанок Café')).toBe('їжак йосип ґанок café');
  });

  it('joins title, description and tags into one field', () => {
    expect(searchTextOf({ title: 'Ремонт', description: "Об'єкт", tags: ['Дах', 'roof'] })).toBe(
      'ремонт\nобєкт\nдах\nroof',
    );
  });

  it('turns q into plain words, without $text phrases or negations', () => {
    expect(searchQueryOf('  "Пʼять"   -яблук ')).toBe('пять яблук');
    expect(searchQueryOf('Івано-Франківськ')).toBe('івано франківськ');
    expect(searchQueryOf('\\" -- "')).toBeNull();
    expect(searchQueryOf('!!!')).toBeNull();
  });

  it('cuts long descriptions at whole characters', () => {
    const long = '😀'.repeat(EXCERPT_LENGTH + 5);

    expect(excerptOf('коротко')).toBe('коротко');
    expect(Array.from(excerptOf(long))).toHaveLength(EXCERPT_LENGTH + 1);
    expect(excerptOf(long).endsWith('😀…')).toBe(true);
  });
});
