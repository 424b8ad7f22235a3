/**
 * Rules of initiative and task bodies that class-validator has no decorator for, over the
 * shared rules of libs/contracts (the initiatives service checks them all again).
 */
import { Transform } from 'class-transformer';
import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import {
  MULTILINE_TEXT_PATTERN,
  parseDateTime,
  SINGLE_LINE_TEXT_PATTERN,
  timeWindowProblems,
  type TimeRules,
} from '@spilno/contracts';

const LONE_SURROGATE = /\p{Cs}/u;

/** Surrounding blanks are not part of a title; the limits apply to what is kept. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

export const TrimEach = () =>
  Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value,
  );

/** Validates the field only when present: absent leaves it unchanged, `null` is refused. */
export const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

/** A query-string number: `"20"` becomes 20; anything else stays as sent and fails. */
export const QueryNumber = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value,
  );

/** An ISO-8601 date-time with a zone that names a real instant. */
export function IsDateTime(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isDateTime',
      validator: {
        validate: (value) => typeof value === 'string' && parseDateTime(value) !== null,
        defaultMessage: (args) =>
          `${args?.property} must be an ISO-8601 date-time with a zone, e.g. 2025-06-01T09:00:00Z`,
      },
    },
    options,
  );
}

/**
 * Text stored verbatim (HTML too; the API never renders it): well-formed Unicode and no
 * control characters (line breaks and tabs only where `multiline`).
 */
export function IsPlainText(multiline: boolean, options?: ValidationOptions) {
  const pattern = multiline ? MULTILINE_TEXT_PATTERN : SINGLE_LINE_TEXT_PATTERN;
  return ValidateBy(
    {
      name: 'isPlainText',
      validator: {
        validate: (value) =>
          typeof value === 'string' && !LONE_SURROGATE.test(value) && pattern.test(value),
        defaultMessage: (args) =>
          `${args?.property} must be text without control characters${multiline ? ' (line breaks and tabs are fine)' : ''}`,
      },
    },
    options,
  );
}

/**
 * The `startsAt`/`endsAt` pair of the body follows `rules` (order, shift length, and, when
 * `checkDistance`, how far in the past or future each lies): put it on both properties; each
 * reports its own problems. Unparseable values are left to `IsDateTime`.
 */
export function FollowsTimeRules(
  rules: TimeRules,
  checkDistance: boolean,
  options?: ValidationOptions,
) {
  const problemsOf = (object: object, property: string) => {
    const body = object as { startsAt?: unknown; endsAt?: unknown };
    const dateOf = (v: unknown) => (typeof v === 'string' ? parseDateTime(v) : null);
    const window = { startsAt: dateOf(body.startsAt), endsAt: dateOf(body.endsAt) };
    const relaxed = { ...rules, required: false };
    const changed = checkDistance ? (['startsAt', 'endsAt'] as const) : [];
    return timeWindowProblems(window, relaxed, new Date(), changed).filter(
      (p) => p.field === property,
    );
  };
  return ValidateBy(
    {
      name: 'followsTimeRules',
      validator: {
        validate: (_value, args) => !args || problemsOf(args.object, args.property).length === 0,
        defaultMessage: (args) =>
          args
            ? problemsOf(args.object, args.property)
                .map((p) => p.message)
                .join('; ')
            : 'the dates are invalid',
      },
    },
    options,
  );
}
