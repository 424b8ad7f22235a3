import { Double, Long } from 'bson';
import { MongoError } from '../errors';
import {
  indexTerms,
  parseTextQuery,
  queryStems,
  resolveLanguage,
  stemmers,
  textIndexSpecFromIndex,
  textMatch,
  tokenize,
  type TextIndexSpec,
} from './text';

const spec = (key: Record<string, unknown> = { title: 'text', description: 'text' }, opts = {}) =>
  textIndexSpecFromIndex(key, opts);

const match = (
  doc: Record<string, unknown>,
  search: string,
  s: TextIndexSpec = spec(),
  extra = {},
) => textMatch(doc, s, parseTextQuery({ $search: search, ...extra }));

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MongoError);
    return (e as MongoError).code;
  }
  return undefined;
}

describe('textIndexSpecFromIndex', () => {
  it('reads fields, weights, defaults', () => {
    expect(spec()).toEqual({
      fields: { title: 1, description: 1 },
      defaultLanguage: 'english',
      languageOverride: 'language',
    });
    expect(
      spec(
        { category: 1, title: 'text' },
        {
          weights: { title: new Double(10), tags: 3 },
          default_language: 'uk',
          language_override: 'lang',
        },
      ),
    ).toEqual({
      fields: { title: 10, tags: 3 },
      defaultLanguage: 'ukrainian',
      languageOverride: 'lang',
    });
  });

  it('accepts the normalised listIndexes form and the wildcard', () => {
    expect(spec({ _fts: 'text', _ftsx: 1 }, { weights: { a: 1, b: 2 } }).fields).toEqual({
      a: 1,
      b: 2,
    });
    expect(spec({ '$**': 'text' }).fields).toEqual({ '$**': 1 });
  });

  it('rejects bad options', () => {
    expect(codeOf(() => spec(undefined, { default_language: 'klingon' }))).toBe(2);
    expect(codeOf(() => spec(undefined, { weights: { title: 'x' } }))).toBe(17256);
    expect(codeOf(() => spec(undefined, { weights: { title: 0 } }))).toBe(17283);
    expect(codeOf(() => spec(undefined, { weights: { title: 100000 } }))).toBe(17283);
    expect(codeOf(() => spec({ a: 1 }))).toBe(67);
  });
});

describe('languages', () => {
  it('resolves names and codes case-insensitively', () => {
    expect(resolveLanguage('English')).toBe('english');
    expect(resolveLanguage('en')).toBe('english');
    expect(resolveLanguage('UK')).toBe('ukrainian');
    expect(resolveLanguage('ukrainian')).toBe('ukrainian');
    expect(resolveLanguage('none')).toBe('none');
    expect(resolveLanguage('xx')).toBeNull();
  });

  it('rejects unknown language in tokenize', () => {
    expect(codeOf(() => tokenize('hello', 'xx'))).toBe(2);
  });
});

describe('English stemming (Porter)', () => {
  const cases: [string, string][] = [
    ['volunteers', 'volunt'],
    ['volunteer', 'volunt'],
    ['volunteering', 'volunt'],
    ['helping', 'help'],
    ['helped', 'help'],
    ['helps', 'help'],
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['cats', 'cat'],
    ['agreed', 'agre'],
    ['hopping', 'hop'],
    ['filing', 'file'],
    ['happy', 'happi'],
    ['relational', 'relat'],
    ['generalization', 'gener'],
    ['hopefulness', 'hope'],
    ['adjustment', 'adjust'],
    ['controlling', 'control'],
    ['is', 'is'],
  ];
  it.each(cases)('%s -> %s', (word, stem) => {
    expect(stemmers.english(word)).toBe(stem);
  });
});

describe('Ukrainian stemming', () => {
  const groups: string[][] = [
    ['волонтери', 'волонтерів', 'волонтерам', 'волонтерами', 'волонтерах', 'волонтер', 'волонтеру'],
    ['допомога', 'допомоги', 'допомогу', 'допомогою'],
    ['україна', 'україни', 'україні', 'україну', 'україною'],
    ['український', 'українська', 'українське', 'українські', 'українського', 'українському'],
    ['школа', 'школи', 'школу', 'школі', 'школою', 'школам'],
    ['робота', 'роботи', 'роботу'],
    ['радість', 'радості', 'радістю'],
    ['допомагаю', 'допомагає', 'допомагаємо', 'допомагають'],
    ['займаються', 'займаємося'],
  ];
  it.each(groups.map((g) => [g[0], g]))('forms of %s share a stem', (_, group) => {
    const stems = new Set((group as string[]).map((w) => tokenize(w, 'uk')[0]));
    expect(stems.size).toBe(1);
  });

  it('keeps short words', () => {
    expect(stemmers.ukrainian('дім')).toBe('дім');
    expect(stemmers.ukrainian('кіт')).toBe('кіт');
    expect(stemmers.ukrainian('сон')).toBe('сон');
    expect(stemmers.ukrainian('мама')).toBe('мам');
    expect(tokenize('діти дітей дітям', 'uk')).toEqual(['діт', 'діт', 'діт']);
  });
});

describe('tokenize', () => {
  it('lower-cases, drops stop words and splits on punctuation', () => {
    expect(tokenize('The Volunteers are helping!', 'english')).toEqual(['volunt', 'help']);
    expect(tokenize('pre-market', 'english')).toEqual(['pre', 'market']);
    expect(tokenize('Допомога для волонтерів у Києві', 'uk')).toEqual([
      'допомог',
      'волонтер',
      'києв',
    ]);
  });

  it('folds every Ukrainian apostrophe variant to the same token', () => {
    const forms = ["п'ять", 'пʼять', 'п’ять', 'п`ять', 'П‘ЯТЬ'];
    const toks = forms.map((f) => tokenize(f, 'uk'));
    for (const t of toks) expect(t).toEqual(toks[0]);
    expect(toks[0]).toHaveLength(1);
    expect(tokenize("м'ясо", 'uk')).toEqual(tokenize('мʼясо', 'uk'));
  });

  it('folds case and diacritics, including й/ї consistently', () => {
    expect(tokenize('ЇЖА', 'uk')).toEqual(tokenize('їжа', 'uk'));
    expect(tokenize('їжа', 'uk')).toEqual(tokenize('іжа', 'uk'));
    expect(tokenize('Café résumé', 'en')).toEqual(tokenize('cafe resume', 'en'));
    expect(tokenize('ҐАНОК', 'uk')).toEqual(tokenize('ґанок', 'uk'));
    // NFD input equals NFC input.
    expect(tokenize('ї'.normalize('NFD') + 'жа', 'uk')).toEqual(tokenize('їжа', 'uk'));
  });

  it("'none' neither stems nor drops stop words", () => {
    expect(tokenize('The volunteers', 'none')).toEqual(['the', 'volunteers']);
  });

  it('keeps numbers and mixed scripts', () => {
    expect(tokenize('2024 covid19 Starlink терміново', 'uk')).toEqual([
      '2024',
      'covid19',
      'starlink',
      'терміново'.slice(0, -1),
    ]);
  });
});

describe('indexTerms', () => {
  it('scores like MongoDB (weight * freq * (0.5 + 0.5 * count / tokens))', () => {
    const s = spec({ title: 'text' }, { weights: { title: 2 } });
    const terms = indexTerms({ title: 'help help volunteer' }, s);
    // help: count 2, freq 1.5, coeff 0.5 + 0.5*2/3
    expect(terms.get('help')).toBeCloseTo(2 * 1.5 * (0.5 + 1 / 3));
    expect(terms.get('volunt')).toBeCloseTo(2 * 1 * (0.5 + 0.5 / 3));
  });

  it('walks dotted paths, arrays and subdocuments', () => {
    const s = spec({ 'items.name': 'text', tags: 'text' });
    const terms = indexTerms(
      {
        items: [{ name: 'generator' }, { name: 'blankets', other: 'ignored' }],
        tags: ['drone', 'car'],
      },
      s,
    );
    expect([...terms.keys()].sort()).toEqual(['blanket', 'car', 'drone', 'gener']);
  });

  it('does not descend into nested arrays without a wildcard', () => {
    expect(indexTerms({ tags: [['nested']] }, spec({ tags: 'text' })).size).toBe(0);
    expect(indexTerms({ tags: [['nested']] }, spec({ '$**': 'text' })).size).toBe(1);
  });

  it('wildcard indexes every string field, explicit weights win', () => {
    const s = spec({ '$**': 'text' }, { weights: { title: 10 } });
    const terms = indexTerms({ title: 'drone', a: { b: 'drone', n: 5 }, c: ['car'] }, s);
    expect(terms.get('car')).toBeCloseTo(1);
    expect(terms.get('drone')).toBeCloseTo(10 + 1);
  });

  it('honours the language override, per document and per subdocument', () => {
    const s = spec({ title: 'text', 'sub.t': 'text' });
    expect(indexTerms({ title: 'the volunteers', language: 'none' }, s).has('the')).toBe(true);
    expect(indexTerms({ title: 'the volunteers' }, s).has('the')).toBe(false);
    const sub = indexTerms({ title: 'helping', sub: { t: 'helping', language: 'none' } }, s);
    expect([...sub.keys()].sort()).toEqual(['help', 'helping']);
  });

  it('rejects unsupported or non-string overrides with MongoDB codes', () => {
    const s = spec();
    expect(codeOf(() => indexTerms({ title: 'x', language: 'xx' }, s))).toBe(17262);
    expect(codeOf(() => indexTerms({ title: 'x', language: 5 }, s))).toBe(17261);
    expect(() => indexTerms({ title: 'x', language: 'xx' }, s)).toThrow(
      'language override unsupported: xx',
    );
  });

  it('ignores non-string values', () => {
    expect(indexTerms({ title: 5, description: null }, spec()).size).toBe(0);
    expect(indexTerms({ title: new Long(5) }, spec()).size).toBe(0);
  });
});

describe('parseTextQuery', () => {
  it('parses terms, phrases and negations', () => {
    const q = parseTextQuery({ $search: 'coffee -tea "hot drink" -"cold brew" pre-market -a-b' });
    expect(q.rawTerms).toEqual(['coffee', 'hot', 'drink', 'pre', 'market']);
    expect(q.rawNegatedTerms).toEqual(['tea', 'a', 'b']);
    // Index keys: stemmed, stop words ('a') dropped.
    expect(q.terms).toEqual(['coffe', 'hot', 'drink', 'pre', 'market']);
    expect(q.negatedTerms).toEqual(['tea', 'b']);
    expect(q.phrases).toEqual(['hot drink']);
    expect(q.negatedPhrases).toEqual(['cold brew']);
    expect(q).toMatchObject({ caseSensitive: false, diacriticSensitive: false, language: '' });
  });

  it('handles unterminated phrases and lone dashes', () => {
    const q = parseTextQuery({ $search: '- foo "bar baz' });
    expect(q.rawTerms).toEqual(['foo', 'bar', 'baz']);
    expect(q.phrases).toEqual(['bar baz']);
    expect(q.rawNegatedTerms).toEqual([]);
  });

  it('gives index keys that match indexTerms, in both languages', () => {
    const s = spec({ title: 'text' }, { default_language: 'uk' });
    const keys = indexTerms({ title: 'Потрібні волонтери пʼять генераторів' }, s);
    for (const q of [
      parseTextQuery({ $search: "волонтерів п'ять генератор" }),
      parseTextQuery({ $search: "волонтерів п'ять генератор", $language: 'uk' }),
    ]) {
      expect(q.terms.every((t) => keys.has(t))).toBe(true);
      expect(q.terms).toEqual(queryStems(q, s).positive);
    }
    expect(tokenize('"Volunteers"', '')).toEqual(['volunt']);
  });

  it('reads options', () => {
    const q = parseTextQuery({
      $search: 'x',
      $language: 'uk',
      $caseSensitive: true,
      $diacriticSensitive: true,
    });
    expect(q).toMatchObject({
      language: 'ukrainian',
      caseSensitive: true,
      diacriticSensitive: true,
    });
  });

  it('rejects bad input as MongoDB does', () => {
    expect(codeOf(() => parseTextQuery('x' as never))).toBe(2);
    expect(codeOf(() => parseTextQuery({}))).toBe(14);
    expect(codeOf(() => parseTextQuery({ $search: 1 }))).toBe(14);
    expect(codeOf(() => parseTextQuery({ $search: 'x', $language: 1 }))).toBe(14);
    expect(codeOf(() => parseTextQuery({ $search: 'x', $language: 'xx' }))).toBe(2);
    expect(codeOf(() => parseTextQuery({ $search: 'x', $caseSensitive: 1 }))).toBe(14);
    expect(codeOf(() => parseTextQuery({ $search: 'x', $diacriticSensitive: 'y' }))).toBe(14);
    expect(codeOf(() => parseTextQuery({ $search: 'x', foo: 1 }))).toBe(2);
  });
});

describe('textMatch', () => {
  const doc = {
    title: 'Volunteers needed',
    description: 'Helping families in Kharkiv with hot meals',
  };

  it('ORs terms with stemming', () => {
    expect(match(doc, 'volunteer')).not.toBeNull();
    expect(match(doc, 'help')).not.toBeNull();
    expect(match(doc, 'nothing here')).toBeNull();
    expect(match(doc, 'cats meal')).not.toBeNull();
  });

  it('returns null for stop-word-only, empty and negation-only queries', () => {
    expect(match(doc, 'the with in')).toBeNull();
    expect(match(doc, '')).toBeNull();
    expect(match(doc, '-cats')).toBeNull();
  });

  it('excludes negated terms', () => {
    expect(match(doc, 'volunteer -kharkiv')).toBeNull();
    expect(match(doc, 'volunteer -kyiv')).not.toBeNull();
    expect(match(doc, 'volunteer -meal')).toBeNull(); // negation is stemmed too
  });

  it('requires every phrase, in one field', () => {
    expect(match(doc, '"hot meals"')).not.toBeNull();
    expect(match(doc, '"HOT MEALS" "families in"')).not.toBeNull();
    expect(match(doc, '"hot meals" "cold"')).toBeNull();
    expect(match(doc, '"needed helping"')).toBeNull(); // spans two fields
    expect(match(doc, 'volunteers -"hot meals"')).toBeNull();
    expect(match(doc, 'volunteers -"cold meals"')).not.toBeNull();
  });

  it('scores higher for more matches and heavier fields', () => {
    const s = spec({ title: 'text', description: 'text' }, { weights: { title: 5 } });
    const a = match({ title: 'generator', description: 'x' }, 'generator', s)!;
    const b = match({ title: 'x', description: 'generator' }, 'generator', s)!;
    const c = match({ title: 'generator', description: 'generator' }, 'generator', s)!;
    expect(a).toBeGreaterThan(b);
    expect(c).toBeGreaterThan(a);
    const two = match({ title: 'drone and generator' }, 'drone generator', s)!;
    const one = match({ title: 'drone and blanket' }, 'drone generator', s)!;
    expect(two).toBeGreaterThan(one);
  });

  it('matches Ukrainian across apostrophe variants: "п\'ять" finds "пʼять"', () => {
    const s = spec({ title: 'text' }, { default_language: 'ukrainian' });
    const d = { title: 'Потрібно пʼять генераторів' };
    expect(match(d, "п'ять", s)).not.toBeNull();
    expect(match(d, 'п’ять', s)).not.toBeNull();
    expect(match(d, '"п\'ять генераторів"', s)).not.toBeNull();
    expect(match(d, 'генератор', s)).not.toBeNull();
  });

  it('matches Ukrainian inflections and case', () => {
    const s = spec({ title: 'text', description: 'text' }, { default_language: 'uk' });
    const d = { title: 'Допомога волонтерам', description: 'Шукаємо ВОЛОНТЕРІВ для Харкова' };
    expect(match(d, 'волонтери', s)).not.toBeNull();
    expect(match(d, 'допомогу', s)).not.toBeNull();
    expect(match(d, 'Харків', s)).toBeNull(); // і/о alternation is not handled
    expect(match(d, 'харкову', s)).not.toBeNull();
    expect(match(d, 'волонтери -допомоги', s)).toBeNull();
    expect(match(d, 'на', s)).toBeNull(); // stop word
  });

  it('matches Ukrainian text in an english-default index (script-based stemming)', () => {
    expect(match({ title: 'Волонтери' }, 'волонтерів')).not.toBeNull();
  });

  it('folds й/ї consistently unless diacritic-sensitive', () => {
    const s = spec({ title: 'text' }, { default_language: 'uk' });
    const d = { title: 'Гаряча їжа' };
    expect(match(d, 'іжа', s)).not.toBeNull();
    expect(match(d, 'іжа', s, { $diacriticSensitive: true })).toBeNull();
    expect(match(d, 'їжа', s, { $diacriticSensitive: true })).not.toBeNull();
    expect(match({ title: 'café' }, 'cafe')).not.toBeNull();
    expect(match({ title: 'café' }, 'cafe', spec(), { $diacriticSensitive: true })).toBeNull();
    expect(match({ title: 'cafe' }, 'café', spec(), { $diacriticSensitive: true })).toBeNull();
    expect(match({ title: 'café' }, 'café', spec(), { $diacriticSensitive: true })).not.toBeNull();
  });

  it('supports $caseSensitive', () => {
    expect(
      match({ title: 'Kyiv volunteers' }, 'Kyiv', spec(), { $caseSensitive: true }),
    ).not.toBeNull();
    expect(
      match({ title: 'Kyiv volunteers' }, 'kyiv', spec(), { $caseSensitive: true }),
    ).toBeNull();
    expect(
      match({ title: 'Volunteers' }, 'Volunteer', spec(), { $caseSensitive: true }),
    ).not.toBeNull();
    expect(
      match({ title: 'Hot Meals' }, '"hot meals"', spec(), { $caseSensitive: true }),
    ).toBeNull();
    expect(match({ title: 'Київ' }, 'Київ', spec(), { $caseSensitive: true })).not.toBeNull();
    expect(match({ title: 'київ' }, 'Київ', spec(), { $caseSensitive: true })).toBeNull();
  });

  it('uses $language for query stemming and the index default otherwise', () => {
    const s = spec({ title: 'text' });
    expect(match({ title: 'the volunteers' }, 'the', s, { $language: 'none' })).toBeNull();
    expect(
      match({ title: 'the volunteers', language: 'none' }, 'the', s, { $language: 'none' }),
    ).not.toBeNull();
    expect(queryStems(parseTextQuery({ $search: 'volunteers' }), s).positive).toEqual(['volunt']);
    expect(
      queryStems(parseTextQuery({ $search: 'volunteers', $language: 'none' }), s).positive,
    ).toEqual(['volunteers']);
  });

  it('does not match documents without indexed text', () => {
    expect(match({ other: 'volunteers' }, 'volunteers')).toBeNull();
    expect(match({}, 'volunteers')).toBeNull();
  });
});
