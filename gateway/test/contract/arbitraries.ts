/**
 * fast-check arbitraries from OpenAPI schemas: values the schema accepts, and bodies it must
 * refuse (each a raw JSON text, so keys like `__proto__` survive and bytes can be invalid).
 * What a schema cannot say (a skill code exists, shifts do not overlap) may still be refused
 * by the service: "valid" here means "valid by the document", and the property is that the
 * answer is documented, never that it is a success.
 */
import fc, { Arbitrary } from 'fast-check';
import { deref, OpenApiDocument, SchemaObject } from './openapi';

const LONG_STRING = 'я'.repeat(5000);
/** Printable text with Ukrainian, apostrophes and markup, as real users send. */
const TEXT_UNITS = fc.constantFrom(
  ...Array.from('abcxyzABC019 .,-_@абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВҐЄІЇЯ\'ʼ’"<>&/\\ 😀'),
);

function text(min: number, max: number): Arbitrary<string> {
  return fc
    .array(TEXT_UNITS, { minLength: min, maxLength: Math.min(max, min + 40) })
    .map((units) => units.join(''))
    .filter((s) => s.trim().length >= Math.min(min, 1) && s.length <= max);
}

function stringValue(s: SchemaObject): Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? 200;
  if (s.enum) return fc.constantFrom(...(s.enum as string[]));
  switch (s.format) {
    case 'email':
      return fc.emailAddress().filter((e) => e.length <= max);
    case 'date-time':
      return fc
        .integer({ min: 1, max: 60 * 24 * 30 })
        .map((minutes) => new Date(Date.now() + minutes * 60_000).toISOString());
    case 'uri':
    case 'url':
      return fc.webUrl({ validSchemes: ['https'] }).filter((u) => u.length <= max);
    default:
      break;
  }
  if (s.pattern) {
    return fc
      .stringMatching(new RegExp(s.pattern))
      .filter((v) => v.length >= min && v.length <= max);
  }
  return text(min, max);
}

function numberValue(s: SchemaObject, integer: boolean): Arbitrary<number> {
  const min = s.minimum ?? (typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : -1e6);
  const max = s.maximum ?? (typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : 1e6);
  if (s.enum) return fc.constantFrom(...(s.enum as number[]));
  return integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Values `schema` accepts. */
export function validValue(doc: OpenApiDocument, schema: SchemaObject): Arbitrary<unknown> {
  const s = deref(doc, schema);
  const value = validNonNull(doc, s);
  return s.nullable ? fc.option(value, { nil: null, freq: 5 }) : value;
}

function validNonNull(doc: OpenApiDocument, s: SchemaObject): Arbitrary<unknown> {
  if (s.oneOf?.[0] || s.anyOf?.[0]) return validValue(doc, (s.oneOf ?? s.anyOf)![0]!);
  switch (s.type) {
    case 'string':
      return stringValue(s);
    case 'integer':
      return numberValue(s, true);
    case 'number':
      return numberValue(s, false);
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const item = validValue(doc, s.items ?? {});
      const constraints = { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 5, 5) };
      return s.uniqueItems
        ? fc.uniqueArray(item, { ...constraints, selector: (v) => JSON.stringify(v) })
        : fc.array(item, constraints);
    }
    case 'object':
    case undefined:
      return validObject(doc, s);
    default:
      throw new Error(`no arbitrary for schema type ${s.type}`);
  }
}

function validObject(doc: OpenApiDocument, s: SchemaObject): Arbitrary<Record<string, unknown>> {
  const properties = s.properties ?? {};
  const model: Record<string, Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties))
    model[name] = validValue(doc, property);
  return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in properties) });
}

/** A body the schema refuses, as JSON text (or raw bytes), with what was done to it. */
export interface InvalidBody {
  mutation: string;
  raw: string | Buffer;
}

/** Bodies `schema` (an object schema) must refuse, built by breaking a valid one. */
export function invalidBody(doc: OpenApiDocument, schema: SchemaObject): Arbitrary<InvalidBody> {
  const s = deref(doc, schema);
  const properties = Object.entries(s.properties ?? {}).map(
    ([name, p]) => [name, deref(doc, p)] as const,
  );
  const base = validObject(doc, s);
  const json = (mutation: string, v: unknown): InvalidBody => ({
    mutation,
    raw: JSON.stringify(v),
  });
  const withProperty = (
    mutation: string,
    pick: (p: SchemaObject) => boolean,
    broken: (p: SchemaObject) => unknown,
  ): Arbitrary<InvalidBody>[] => {
    const candidates = properties.filter(([, p]) => pick(p));
    if (candidates.length === 0) return [];
    return [
      fc
        .tuple(base, fc.constantFrom(...candidates))
        .map(([body, [name, p]]) => json(`${mutation} ${name}`, { ...body, [name]: broken(p) })),
    ];
  };
  const required = (s.required ?? []).filter((k) => properties.some(([n]) => n === k));

  const mutations: Arbitrary<InvalidBody>[] = [
    base.map((b) => json('unknown field', { ...b, notInTheSchema: 'x' })),
    base.map((b) => ({
      mutation: '__proto__ key',
      raw: `{"__proto__":{"roles":["admin"]},${JSON.stringify(b).slice(1)}`.replace(/,}$/, '}'),
    })),
    base.map((b) => json('constructor key', { ...b, constructor: { prototype: { admin: true } } })),
    fc.constantFrom<unknown>([], 'text', 42, null, true).map((v) => json('not an object', v)),
    ...withProperty(
      'operator object in',
      (p) => p.type === 'string',
      () => ({ $gt: '' }),
    ),
    ...withProperty(
      'wrong type of',
      (p) => p.type !== undefined,
      (p) => (p.type === 'string' ? 12345 : p.type === 'array' ? { not: 'an array' } : 'wrong'),
    ),
    ...withProperty(
      'too long',
      (p) => p.type === 'string' && p.enum === undefined,
      (p) => LONG_STRING.repeat(Math.ceil(((p.maxLength ?? 5000) + 1) / 5000)),
    ),
    ...withProperty(
      'out of enum',
      (p) => Array.isArray(p.enum),
      () => 'definitely-not-a-listed-value',
    ),
    ...withProperty(
      'above maximum',
      (p) => (p.type === 'integer' || p.type === 'number') && p.maximum !== undefined,
      (p) => (p.maximum ?? 0) + 1,
    ),
  ];
  if (required.length > 0) {
    mutations.push(
      fc.tuple(base, fc.constantFrom(...required)).map(([b, name]) => {
        const copy = { ...b };
        delete copy[name];
        return json(`missing ${name}`, copy);
      }),
    );
  }
  const strings = properties.filter(([, p]) => p.type === 'string' && p.enum === undefined);
  if (strings.length > 0) {
    mutations.push(
      fc
        .tuple(base, fc.constantFrom(...strings))
        .map(([b, [name]]) => json(`lone surrogate in ${name}`, { ...b, [name]: 'a\ud83db' })),
    );
    mutations.push(
      fc.tuple(base, fc.constantFrom(...strings)).map(([b, [name]]) => {
        // A lone continuation byte inside a string value: not UTF-8.
        const marker = '\u0001INVALID\u0001';
        const text = JSON.stringify({ ...b, [name]: marker });
        const [before, after] = text.split(JSON.stringify(marker).slice(1, -1));
        const raw = Buffer.concat([
          Buffer.from(before!),
          Buffer.from([0x61, 0xc3, 0x28, 0x62]),
          Buffer.from(after!),
        ]);
        return { mutation: `invalid UTF-8 in ${name}`, raw };
      }),
    );
  }
  return fc.oneof(...mutations);
}
