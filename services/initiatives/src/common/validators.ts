/**
 * Validation pieces the initiatives and tasks payloads share (the gateway checks the same
 * rules with its own classes; this service trusts no caller and checks them again).
 */
import { Transform } from 'class-transformer';
import {
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';
import {
  MULTILINE_TEXT_PATTERN,
  PAGE_CURSOR_MAX_LENGTH,
  PAGE_LIMIT_MAX,
  parseDateTime,
  SINGLE_LINE_TEXT_PATTERN,
  UKRAINE_BOUNDS,
  type GeoPoint,
} from '@spilno/contracts';

const LONE_SURROGATE = /\p{Cs}/u;

/** Surrounding blanks are not part of a title; the limits apply to what is kept. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Validates the field only when present: absent leaves it unchanged, `null` is refused. */
export const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

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
 * Text as it will be stored, verbatim: well-formed Unicode (a lone surrogate would not survive
 * UTF-8) and no control characters (line breaks and tabs only where `multiline`).
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

/** A place in Ukraine (a generous rectangle: swapped lat/lng fall outside). */
export class GeoPointData implements GeoPoint {
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(UKRAINE_BOUNDS.minLat)
  @Max(UKRAINE_BOUNDS.maxLat)
  lat!: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(UKRAINE_BOUNDS.minLng)
  @Max(UKRAINE_BOUNDS.maxLng)
  lng!: number;
}

/** A search point: anywhere on Earth (results are in Ukraine anyway). */
export class SearchPointData implements GeoPoint {
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat!: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  lng!: number;
}

/** `limit` and `cursor` of every list. */
export class PageData {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(PAGE_CURSOR_MAX_LENGTH)
  cursor?: string;
}
