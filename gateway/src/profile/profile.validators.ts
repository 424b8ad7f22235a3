/**
 * Profile rules that span a field or a list, as class-validator decorators over the shared
 * rules of libs/contracts (the users service checks the same rules again).
 */
import { Transform } from 'class-transformer';
import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import { availabilityProblems, latestBirthYear } from '@spilno/contracts';

export const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

/** Surrounding blanks are not part of a name; the limits apply to what is kept. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Validates the field only when present: absent leaves it unchanged, `null` is refused. */
export const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

/** Volunteers are at least 14; evaluated per request, so the limit moves with the year. */
export function NotAfterLatestBirthYear(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'notAfterLatestBirthYear',
      validator: {
        validate: (value) => typeof value === 'number' && value <= latestBirthYear(),
        defaultMessage: () => `birthYear must be at most ${latestBirthYear()} (age 14 or more)`,
      },
    },
    options,
  );
}

/** Each window ends after it starts; no two windows of a day overlap. */
export function ConsistentAvailability(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'consistentAvailability',
      validator: {
        validate: (value) => !Array.isArray(value) || availabilityProblems(value).length === 0,
        defaultMessage: (args) =>
          availabilityProblems(args?.value as unknown[])
            .map((p) => `${p.field} ${p.message}`)
            .join('; '),
      },
    },
    options,
  );
}
