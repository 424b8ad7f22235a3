/**
 * The text `q=` searches, normalised the same way on both sides so that the embedded server and
 * a real MongoDB agree (MongoDB has no Ukrainian analyser; the text index uses language
 * `none`: no stemming, no stop words):
 * - lower case (Ukrainian included);
 * - apostrophes removed: Ukrainian writes one apostrophe three ways (U+0027 ', U+02BC ʼ,
 *   U+2019 ’, also ‘ ` ´ ′ in the wild), and MongoDB splits words at some of them but not at
 *   U+02BC, so "п'ять" would be two words and "пʼять" one. Without any, all are "пять";
 * - diacritics kept as typed (the text index folds them itself, on both sides).
 */
import { EXCERPT_LENGTH } from '@spilno/contracts';

const APOSTROPHES = /['\u02BC\u2019\u2018\u0060\u00B4\u2032\u02B9\u02BB]/g;
/** `$text` syntax (phrases, negation, escapes) that a plain search must not trigger. */
const TEXT_OPERATORS = /["\\-]/g;
const WORD = /[\p{L}\p{N}]/u;

export function normaliseSearchText(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(APOSTROPHES, '');
}

/** The stored search field of an initiative. */
export function searchTextOf(parts: { title: string; description: string; tags: string[] }) {
  return normaliseSearchText([parts.title, parts.description, ...parts.tags].join('\n'));
}

/**
 * `q` as a `$search` string: its words, any of which matches (MongoDB's `$text`); null when it
 * has no word at all.
 */
export function searchQueryOf(q: string): string | null {
  const words = normaliseSearchText(q).replace(TEXT_OPERATORS, ' ').split(/\s+/).filter(Boolean);
  return words.some((w) => WORD.test(w)) ? words.join(' ') : null;
}

/** The first characters of a description, for list items; whole code points only. */
export function excerptOf(text: string): string {
  const chars = Array.from(text);
  return chars.length <= EXCERPT_LENGTH ? text : `${chars.slice(0, EXCERPT_LENGTH).join('')}…`;
}
