/**
 * Text indexes and `$text` for English and Ukrainian.
 *
 * Pipeline for a piece of text (index side and query side use the same one, which is what
 * makes matching work): lower-case (unless case-sensitive), unify apostrophes, strip
 * diacritics (unless diacritic-sensitive), split into words, drop stop words, stem.
 *
 * Choices worth knowing:
 * - Diacritic folding follows MongoDB's text index v3: NFD and drop combining marks, so the
 *   Ukrainian й/ї fold to и/і (and ё to е). It is applied identically to documents and queries,
 *   and the Ukrainian suffix rules are listed in both spellings, so stems stay consistent.
 * - Apostrophes inside a word (' ʼ ’ ‘ ` ′) are removed: "п'ять", "пʼять", "п’ять" and "п`ять"
 *   all become the token "пять". Phrase matching maps them all to U+0027 instead.
 * - Stemmer and stop words are chosen by script, not by language: Cyrillic words get the
 *   Ukrainian stemmer, Latin words a Porter stemmer, and both stop-word lists apply, because
 *   Spilno texts mix both whatever the declared language. So 'english' and 'ukrainian' behave
 *   the same today; they are still validated and kept apart. 'none' disables stemming and stop
 *   words.
 * - Scores follow MongoDB's FTSSpec::_scoreStringV2: per string, each term gets
 *   weight * freq * (0.5 + 0.5 * count / numTokens) with freq = 1 + 1/2 + 1/4 + ...
 */
import { MongoError } from '../errors';
import { isNumeric, toJsNumber, type Document } from '../bson/values';

export interface TextIndexSpec {
  /** Field path (or '$**' for every string field) -> weight. */
  fields: Record<string, number>;
  defaultLanguage: string;
  languageOverride: string;
}

export interface TextQuery {
  /**
   * Positive terms as index keys (stemmed, stop words dropped, phrase words included as in
   * MongoDB), for looking up postings. Stemmed with $language, else 'english' (which gives the
   * same stems as 'ukrainian'); for an index whose default_language is 'none' use queryStems().
   */
  terms: string[];
  /** Negated terms as index keys. */
  negatedTerms: string[];
  /** The words as typed; textMatch re-stems them for the index language and sensitivity. */
  rawTerms: string[];
  rawNegatedTerms: string[];
  phrases: string[];
  negatedPhrases: string[];
  caseSensitive: boolean;
  diacriticSensitive: boolean;
  /** Canonical language name, or '' to use the index's default_language. */
  language: string;
}

export type TextLanguage = 'english' | 'ukrainian' | 'none';

const LANGUAGE_ALIASES: Record<string, TextLanguage> = {
  english: 'english',
  en: 'english',
  ukrainian: 'ukrainian',
  uk: 'ukrainian',
  none: 'none',
};

/** Canonical name of a supported language (case-insensitive, as MongoDB), or null. */
export function resolveLanguage(name: string): TextLanguage | null {
  return LANGUAGE_ALIASES[name.toLowerCase()] ?? null;
}

function languageOrThrow(name: string): TextLanguage {
  const lang = resolveLanguage(name);
  if (!lang) {
    throw MongoError.of('BadValue', `unsupported language: "${name}" for text index version 3`);
  }
  return lang;
}

// ---------------------------------------------------------------------------------------------
// Index spec

export function textIndexSpecFromIndex(key: Document, options: Document = {}): TextIndexSpec {
  const fields: Record<string, number> = {};
  for (const [path, kind] of Object.entries(key)) {
    // '_fts'/'_ftsx' appear in the normalised form listIndexes returns; fields then come from
    // weights. Non-text prefix/suffix fields of a compound key do not take part in matching.
    if (kind === 'text' && path !== '_fts') fields[path] = 1;
  }
  const weights = options.weights;
  if (weights !== undefined && weights !== null) {
    if (typeof weights !== 'object' || Array.isArray(weights)) {
      throw MongoError.of('BadValue', 'weights must be an object');
    }
    for (const [path, w] of Object.entries(weights as Document)) {
      if (!isNumeric(w)) {
        throw new MongoError(17256, `weight for text index needs numeric type`);
      }
      const n = toJsNumber(w);
      if (!(n > 0 && n < 100000)) {
        throw new MongoError(
          17283,
          `text index weight must be in the exclusive interval (0,100000) but found: ${n}`,
        );
      }
      fields[path] = n;
    }
  }
  if (Object.keys(fields).length === 0) {
    throw MongoError.of('CannotCreateIndex', 'text index must have at least one text field');
  }
  const dl = options.default_language ?? 'english';
  if (typeof dl !== 'string') throw MongoError.of('BadValue', 'default_language must be a string');
  const lo = options.language_override ?? 'language';
  if (typeof lo !== 'string' || lo === '') {
    throw MongoError.of('BadValue', 'language_override must be a non-empty string');
  }
  return { fields, defaultLanguage: languageOrThrow(dl), languageOverride: lo };
}

// ---------------------------------------------------------------------------------------------
// Folding and tokenising

interface FoldOptions {
  caseSensitive: boolean;
  diacriticSensitive: boolean;
}

const INSENSITIVE: FoldOptions = { caseSensitive: false, diacriticSensitive: false };

// Apostrophe look-alikes used in Ukrainian text (U+02BC is the "official" one).
const APOSTROPHES = /[\u2019\u02bc\u2018\u0060\u2032\u02b9\u02bb\u00b4]/g;
const COMBINING = /\p{M}/gu;
const WORD_FOLDED = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
const WORD_MARKS = /[\p{L}\p{N}\p{M}]+(?:'[\p{L}\p{N}\p{M}]+)*/gu;
const NON_ASCII = /[^\x00-\x7f]/;

/** Case/diacritic/apostrophe folding of a whole string (used for phrases and before splitting). */
export function foldText(text: string, opts: FoldOptions = INSENSITIVE): string {
  let s = opts.caseSensitive ? text : text.toLowerCase();
  s = s.replace(APOSTROPHES, "'");
  if (!NON_ASCII.test(s)) return s;
  return opts.diacriticSensitive ? s.normalize('NFC') : s.normalize('NFD').replace(COMBINING, '');
}

function foldWord(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(COMBINING, '');
}

const EN_STOP_WORDS = words(`
  a about above after again against all am an and any are as at be because been before being
  below between both but by can could did do does doing down during each few for from further
  had has have having he her here hers herself him himself his how i if in into is it its itself
  just me more most my myself no nor not of off on once only or other our ours ourselves out
  over own same she should so some such than that the their theirs them themselves then there
  these they this those through to too under until up very was we were what when where which
  while who whom why will with would you your yours yourself yourselves
`);

const UK_STOP_WORDS = words(`
  а або аж але б би бо був була були було бути в вам вас весь вже ви від він вона вони воно
  все всі ву де для до же з за зі із й його її їй їм їх коли ледь лише між мене ми мій мов може
  моя на над нам нас не неї нею ним них ні ніж о об оце от по під при про раз свій своє своя
  свої себе собі та так також там те теж ти то тобі той томі тому ту тут у хто це цей ці ця цю
  через чи що щоб як яка які яке який якщо є і ж
`);

function words(list: string): Set<string> {
  const out = new Set<string>();
  for (const w of list.split(/\s+/)) {
    if (!w) continue;
    out.add(w);
    out.add(foldWord(w)); // documents are diacritic-folded by default: її -> іі
  }
  return out;
}

// Both lists apply to both languages: the scripts do not overlap, and indexing "на" or "the"
// would make OR-ed queries match nearly every mixed-language document.
const BOTH_STOP_WORDS = new Set([...EN_STOP_WORDS, ...UK_STOP_WORDS]);
const STOP_WORDS: Record<TextLanguage, Set<string>> = {
  english: BOTH_STOP_WORDS,
  ukrainian: BOTH_STOP_WORDS,
  none: new Set(),
};

const CYRILLIC = /[\u0400-\u04ff]/;
const HAS_DIGIT = /\p{N}/u;

// Stemming is pure and on the insert path, so memoise it (bounded; cleared when full).
const STEM_CACHE = new Map<string, string>();
const STEM_CACHE_MAX = 50000;

function stemWord(word: string): string {
  if (HAS_DIGIT.test(word)) return word;
  let s = STEM_CACHE.get(word);
  if (s === undefined) {
    s = CYRILLIC.test(word) ? stemUkrainian(word) : stemEnglish(word);
    if (STEM_CACHE.size >= STEM_CACHE_MAX) STEM_CACHE.clear();
    STEM_CACHE.set(word, s);
  }
  return s;
}

/** Stems a word that keeps its case: stem the lower-case form, then restore the case. */
function stemCasePreserving(word: string): string {
  const lower = word.toLowerCase();
  const stem = stemWord(lower);
  if (lower === word || lower.length !== word.length) return stem;
  let i = 0;
  while (i < stem.length && stem[i] === lower[i]) i++;
  return word.slice(0, i) + stem.slice(i);
}

function tokenizeWith(text: string, language: TextLanguage, opts: FoldOptions): string[] {
  const folded = foldText(text, opts);
  const stop = STOP_WORDS[language];
  const out: string[] = [];
  const re = opts.diacriticSensitive ? WORD_MARKS : WORD_FOLDED;
  re.lastIndex = 0;
  for (let m = re.exec(folded); m !== null; m = re.exec(folded)) {
    let w = m[0];
    if (w.includes("'")) w = w.replace(/'/g, '');
    const lower = opts.caseSensitive ? w.toLowerCase() : w;
    if (stop.has(lower)) continue;
    if (language === 'none') out.push(w);
    else out.push(opts.caseSensitive ? stemCasePreserving(w) : stemWord(w));
  }
  return out;
}

/** Normalised stems of `text`, as a default (case- and diacritic-insensitive) index sees them. */
export function tokenize(text: string, language: string): string[] {
  // '' is what parseTextQuery leaves when $language is absent: MongoDB's default, english.
  return tokenizeWith(text, languageOrThrow(language || 'english'), INSENSITIVE);
}

// ---------------------------------------------------------------------------------------------
// Walking the indexed strings of a document (mirrors MongoDB's FTSElementIterator)

interface IndexedString {
  text: string;
  language: TextLanguage;
  weight: number;
}

interface Walker {
  spec: TextIndexSpec;
  wildcard: number | undefined;
  prefixes: Set<string>;
}

const WALKERS = new WeakMap<TextIndexSpec, Walker>();

function walkerFor(spec: TextIndexSpec): Walker {
  let w = WALKERS.get(spec);
  if (!w) {
    const prefixes = new Set<string>();
    for (const path of Object.keys(spec.fields)) {
      const parts = path.split('.');
      for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join('.'));
    }
    w = { spec, wildcard: spec.fields['$**'], prefixes };
    WALKERS.set(spec, w);
  }
  return w;
}

function languageOf(obj: Document, spec: TextIndexSpec, parent: TextLanguage): TextLanguage {
  const v = obj[spec.languageOverride];
  if (v === undefined) return parent;
  if (typeof v !== 'string') {
    throw new MongoError(17261, 'found language override field in document with non-string type');
  }
  const lang = resolveLanguage(v);
  if (!lang) throw new MongoError(17262, `language override unsupported: ${v}`);
  return lang;
}

function collectStrings(doc: Document, spec: TextIndexSpec): IndexedString[] {
  const walker = walkerFor(spec);
  const out: IndexedString[] = [];
  const root = languageOf(doc, spec, languageOrThrow(spec.defaultLanguage));
  walkFrame(walker, doc, '', false, root, out);
  return out;
}

function walkFrame(
  w: Walker,
  obj: Document | unknown[],
  parentPath: string,
  isArray: boolean,
  language: TextLanguage,
  out: IndexedString[],
): void {
  const entries: [string, unknown][] = Array.isArray(obj)
    ? obj.map((v, i) => [String(i), v])
    : Object.entries(obj);
  for (const [name, value] of entries) {
    // Array elements share their array's path, as in MongoDB (no positional segments).
    const path = parentPath === '' ? name : isArray ? parentPath : `${parentPath}.${name}`;
    const exact = w.spec.fields[path];
    const isExact = exact !== undefined && path !== '$**';
    if (w.wildcard === undefined && !isExact && !w.prefixes.has(path)) continue;
    if (typeof value === 'string') {
      if (isExact || w.wildcard !== undefined) {
        out.push({ text: value, language, weight: isExact ? exact : (w.wildcard as number) });
      }
    } else if (Array.isArray(value)) {
      if (!isArray || w.wildcard !== undefined) walkFrame(w, value, path, true, language, out);
    } else if (isPlainObject(value)) {
      if (!isExact || w.wildcard !== undefined) {
        const lang = languageOf(value, w.spec, language);
        walkFrame(w, value, path, false, lang, out);
      }
    }
  }
}

function isPlainObject(v: unknown): v is Document {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  if (v instanceof Date || v instanceof RegExp) return false;
  return (v as { _bsontype?: unknown })._bsontype === undefined;
}

/** Term -> score contribution, as MongoDB stores them in the index keys. */
export function indexTerms(doc: Document, spec: TextIndexSpec): Map<string, number> {
  return scoreStrings(collectStrings(doc, spec));
}

function scoreStrings(strings: IndexedString[]): Map<string, number> {
  const scores = new Map<string, number>();
  for (const s of strings) scoreString(s, scores);
  return scores;
}

function scoreString(s: IndexedString, scores: Map<string, number>): void {
  const tokens = tokenizeWith(s.text, s.language, INSENSITIVE);
  if (tokens.length === 0) return;
  const stats = new Map<string, { count: number; freq: number; exp: number }>();
  for (const t of tokens) {
    const st = stats.get(t);
    if (st) {
      st.exp *= 2;
      st.freq += 1 / st.exp;
      st.count++;
    } else {
      stats.set(t, { count: 1, freq: 1, exp: 1 });
    }
  }
  for (const [term, st] of stats) {
    const coeff = (0.5 * st.count) / tokens.length + 0.5;
    scores.set(term, (scores.get(term) ?? 0) + s.weight * st.freq * coeff);
  }
}

// ---------------------------------------------------------------------------------------------
// $text query

export function parseTextQuery(spec: Document): TextQuery {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw MongoError.of('BadValue', '$text expects an object');
  }
  let expected = 1;
  const search = spec.$search;
  if (typeof search !== 'string') throw MongoError.of('TypeMismatch', '$search needs a String');
  let language = '';
  if (spec.$language !== undefined) {
    expected++;
    if (typeof spec.$language !== 'string') {
      throw MongoError.of('TypeMismatch', '$language needs a String');
    }
    language = languageOrThrow(spec.$language);
  }
  const flag = (name: '$caseSensitive' | '$diacriticSensitive'): boolean => {
    const v = spec[name];
    if (v === undefined) return false;
    expected++;
    if (typeof v !== 'boolean') throw MongoError.of('TypeMismatch', `${name} needs a Boolean`);
    return v;
  };
  const caseSensitive = flag('$caseSensitive');
  const diacriticSensitive = flag('$diacriticSensitive');
  if (Object.keys(spec).length !== expected) {
    throw MongoError.of('BadValue', 'extra fields in $text');
  }
  const parsed = parseSearch(search);
  const lang = (language || 'english') as TextLanguage;
  return {
    terms: stems(parsed.rawTerms, lang, INSENSITIVE),
    negatedTerms: stems(parsed.rawNegatedTerms, lang, INSENSITIVE),
    ...parsed,
    caseSensitive,
    diacriticSensitive,
    language,
  };
}

const SPACE = /\s/;

/** MongoDB's $search grammar: words, "phrases", -negated words and -"negated phrases". */
function parseSearch(
  s: string,
): Pick<TextQuery, 'rawTerms' | 'rawNegatedTerms' | 'phrases' | 'negatedPhrases'> {
  const terms = new Set<string>();
  const negatedTerms = new Set<string>();
  const phrases: string[] = [];
  const negatedPhrases: string[] = [];
  const addWords = (chunk: string, into: Set<string>) => {
    const folded = chunk.replace(APOSTROPHES, "'");
    for (const m of folded.matchAll(WORD_MARKS)) into.add(m[0]);
  };
  let negate = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      let j = s.indexOf('"', i + 1);
      if (j < 0) j = s.length; // an unterminated phrase runs to the end, as in MongoDB
      const phrase = s.slice(i + 1, j);
      if (phrase.trim() !== '') {
        if (negate) negatedPhrases.push(phrase);
        else {
          phrases.push(phrase);
          addWords(phrase, terms);
        }
      }
      negate = false;
      i = j + 1;
    } else if (SPACE.test(c)) {
      negate = false;
      i++;
    } else if (c === '-' && (i === 0 || SPACE.test(s[i - 1]))) {
      negate = true;
      i++;
    } else {
      // A run up to whitespace or a quote; an inner '-' (pre-market) is just a delimiter, and
      // a leading '-' negates every word of the run.
      let j = i;
      while (j < s.length && s[j] !== '"' && !SPACE.test(s[j])) j++;
      addWords(s.slice(i, j), negate ? negatedTerms : terms);
      i = j;
    }
  }
  return { rawTerms: [...terms], rawNegatedTerms: [...negatedTerms], phrases, negatedPhrases };
}

interface PreparedQuery {
  positive: string[];
  negated: string[];
  sensitivePositive: string[];
  phrases: string[];
  negatedPhrases: string[];
}

const PREPARED = new WeakMap<TextQuery, Map<string, PreparedQuery>>();

function stems(words: string[], language: TextLanguage, opts: FoldOptions): string[] {
  const out = new Set<string>();
  for (const w of words) for (const t of tokenizeWith(w, language, opts)) out.add(t);
  return [...out];
}

function prepare(q: TextQuery, spec: TextIndexSpec): PreparedQuery {
  const language = languageOrThrow(q.language || spec.defaultLanguage);
  let byLang = PREPARED.get(q);
  if (!byLang) PREPARED.set(q, (byLang = new Map()));
  let p = byLang.get(language);
  if (!p) {
    const opts = foldOptionsOf(q);
    p = {
      positive: stems(q.rawTerms, language, INSENSITIVE),
      sensitivePositive: stems(q.rawTerms, language, opts),
      negated: stems(q.rawNegatedTerms, language, opts),
      phrases: q.phrases.map((ph) => normalisePhrase(ph, opts)),
      negatedPhrases: q.negatedPhrases.map((ph) => normalisePhrase(ph, opts)),
    };
    byLang.set(language, p);
  }
  return p;
}

function foldOptionsOf(q: TextQuery): FoldOptions {
  return { caseSensitive: q.caseSensitive, diacriticSensitive: q.diacriticSensitive };
}

function normalisePhrase(text: string, opts: FoldOptions): string {
  return foldText(text, opts).replace(/\s+/g, ' ');
}

/** Index-side stems of the query, for callers that look terms up in an inverted index. */
export function queryStems(
  q: TextQuery,
  spec: TextIndexSpec,
): { positive: string[]; negated: string[] } {
  const p = prepare(q, spec);
  return { positive: p.positive, negated: p.negated };
}

/** The textScore of `doc` for `q`, or null when the document does not match. */
export function textMatch(doc: Document, spec: TextIndexSpec, q: TextQuery): number | null {
  const p = prepare(q, spec);
  if (p.positive.length === 0) return null; // only negations, or only stop words: no match
  const strings = collectStrings(doc, spec);
  const docTerms = scoreStrings(strings);
  let score = 0;
  let hit = false;
  for (const t of p.positive) {
    const s = docTerms.get(t);
    if (s !== undefined) {
      score += s;
      hit = true;
    }
  }
  if (!hit) return null;

  const sensitive = q.caseSensitive || q.diacriticSensitive;
  const needTokens = sensitive || p.negated.length > 0;
  const needText = p.phrases.length > 0 || p.negatedPhrases.length > 0;
  if (!needTokens && !needText) return score;

  const opts = foldOptionsOf(q);
  if (needTokens) {
    const tokens = new Set<string>();
    for (const s of strings) for (const t of tokenizeWith(s.text, s.language, opts)) tokens.add(t);
    if (sensitive && !p.sensitivePositive.some((t) => tokens.has(t))) return null;
    if (p.negated.some((t) => tokens.has(t))) return null;
  }
  if (needText) {
    const texts = strings.map((s) => normalisePhrase(s.text, opts));
    if (!p.phrases.every((ph) => texts.some((t) => t.includes(ph)))) return null;
    if (p.negatedPhrases.some((ph) => texts.some((t) => t.includes(ph)))) return null;
  }
  return score;
}

// ---------------------------------------------------------------------------------------------
// Ukrainian: a light, conservative suffix stripper (inflectional endings only)

const UK_MIN_STEM = 3;

// Endings of nouns, adjectives and the present tense. Infinitive -ти and past -ла/-ли are left
// out on purpose: they collide with very common noun forms (робота/роботи, школа/школи).
const UK_ENDINGS_RAW = `
  ами ями ові еві єві ого ому ими іми ього ьому ьої ьою ьми
  ють ують ємо емо имо ете єте ите ючи учи ачи ячи
  ів їв ей ям ам ом ем єм ах ях ою ею єю ий ій їй ім им их іх ої ую юю еш єш иш
  а я о е є и і ї у ю ь й
`;

// Abstract nouns in -ість alternate і/о across cases (радість, радості, радістю).
const UK_REPLACEMENTS: [string, string][] = [
  ['остями', 'ост'],
  ['остях', 'ост'],
  ['остям', 'ост'],
  ['остей', 'ост'],
  ['ість', 'ост'],
  ['істю', 'ост'],
  ['ості', 'ост'],
];

const UK_ENDINGS: string[] = (() => {
  const set = new Set<string>();
  for (const e of UK_ENDINGS_RAW.split(/\s+/)) {
    if (!e) continue;
    set.add(e);
    set.add(foldWord(e)); // й -> и, ї -> і, as documents are folded by default
  }
  return [...set].sort((a, b) => b.length - a.length);
})();

const UK_REFLEXIVE = ['ся', 'сь'];

function stemUkrainian(word: string): string {
  let w = word;
  if (w.length >= UK_MIN_STEM + 3) {
    for (const r of UK_REFLEXIVE) {
      if (w.endsWith(r)) {
        w = w.slice(0, -r.length);
        break;
      }
    }
  }
  for (const [suffix, repl] of UK_REPLACEMENTS) {
    const folded = foldWord(suffix);
    for (const s of suffix === folded ? [suffix] : [suffix, folded]) {
      if (w.endsWith(s) && w.length - s.length + repl.length >= UK_MIN_STEM + 1) {
        return w.slice(0, -s.length) + repl;
      }
    }
  }
  for (const e of UK_ENDINGS) {
    if (w.length - e.length >= UK_MIN_STEM && w.endsWith(e)) return w.slice(0, -e.length);
  }
  return w;
}

// ---------------------------------------------------------------------------------------------
// English: the classic Porter (1980) stemmer

function isConsonant(w: string, i: number): boolean {
  switch (w[i]) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
      return false;
    case 'y':
      return i === 0 ? true : !isConsonant(w, i - 1);
    default:
      return true;
  }
}

/** Porter's m: the number of VC sequences in w[0, end). */
function measure(w: string, end: number): number {
  let n = 0;
  let i = 0;
  while (i < end && isConsonant(w, i)) i++;
  while (i < end) {
    while (i < end && !isConsonant(w, i)) i++;
    if (i >= end) break;
    n++;
    while (i < end && isConsonant(w, i)) i++;
  }
  return n;
}

function hasVowel(w: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (!isConsonant(w, i)) return true;
  return false;
}

function doubleConsonant(w: string, end: number): boolean {
  return end >= 2 && w[end - 1] === w[end - 2] && isConsonant(w, end - 1);
}

/** cvc where the last c is not w, x or y (e.g. hop, not hoop or snow). */
function cvc(w: string, end: number): boolean {
  if (end < 3) return false;
  if (!isConsonant(w, end - 1) || isConsonant(w, end - 2) || !isConsonant(w, end - 3)) return false;
  const c = w[end - 1];
  return c !== 'w' && c !== 'x' && c !== 'y';
}

const STEP2: [string, string][] = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['bli', 'ble'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
  ['logi', 'log'],
].sort((a, b) => b[0].length - a[0].length) as [string, string][];

const STEP3: [string, string][] = [
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
];

const STEP4 = [
  'ement',
  'ance',
  'ence',
  'able',
  'ible',
  'ment',
  'ant',
  'ent',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
  'ion',
  'al',
  'er',
  'ic',
  'ou',
];

const LATIN_LOWER = /^[a-z]+$/;

function stemEnglish(word: string): string {
  if (word.length <= 2 || !LATIN_LOWER.test(word)) return word;
  let w = word;
  // Step 1a
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (!w.endsWith('ss') && w.endsWith('s')) w = w.slice(0, -1);
  // Step 1b
  let extra = false;
  if (w.endsWith('eed')) {
    if (measure(w, w.length - 3) > 0) w = w.slice(0, -1);
  } else if (w.endsWith('ed') && hasVowel(w, w.length - 2)) {
    w = w.slice(0, -2);
    extra = true;
  } else if (w.endsWith('ing') && hasVowel(w, w.length - 3)) {
    w = w.slice(0, -3);
    extra = true;
  }
  if (extra) {
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
    else if (doubleConsonant(w, w.length) && !/[lsz]$/.test(w)) w = w.slice(0, -1);
    else if (measure(w, w.length) === 1 && cvc(w, w.length)) w += 'e';
  }
  // Step 1c
  if (w.endsWith('y') && hasVowel(w, w.length - 1)) w = w.slice(0, -1) + 'i';
  // Steps 2 and 3: the longest matching suffix decides, applied when m > 0
  for (const table of [STEP2, STEP3]) {
    for (const [suf, rep] of table) {
      if (w.endsWith(suf)) {
        if (measure(w, w.length - suf.length) > 0) w = w.slice(0, -suf.length) + rep;
        break;
      }
    }
  }
  // Step 4
  for (const suf of STEP4) {
    if (w.endsWith(suf)) {
      const end = w.length - suf.length;
      const ok = suf !== 'ion' || (end > 0 && (w[end - 1] === 's' || w[end - 1] === 't'));
      if (ok && measure(w, end) > 1) w = w.slice(0, end);
      break;
    }
  }
  // Step 5a
  if (w.endsWith('e')) {
    const m = measure(w, w.length - 1);
    if (m > 1 || (m === 1 && !cvc(w, w.length - 1))) w = w.slice(0, -1);
  }
  // Step 5b
  if (w.endsWith('ll') && measure(w, w.length) > 1) w = w.slice(0, -1);
  return w;
}

/** Exposed for tests and for callers that need a single stem. */
export const stemmers = { english: stemEnglish, ukrainian: stemUkrainian };
