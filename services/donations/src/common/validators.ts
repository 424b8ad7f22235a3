/**
 * Validation pieces the donations payloads share (the gateway checks the same rules with its
 * own classes; this service trusts no caller and checks them again).
 */
import { Transform } from 'class-transformer';
import {
  IsInt,
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
  SINGLE_LINE_TEXT_PATTERN,
} from '@spilno/contracts';

const LONE_SURROGATE = /\p{Cs}/u;

/** Path ids: any short string; one that names nothing the caller may see is `not_found`. */
export const ID_MAX_LENGTH = 64;

/** Surrounding blanks are not part of a title or an item; the limits apply to what is kept. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Validates the field only when present: absent leaves it unchanged, `null` is refused. */
export const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

/**
 * Text as it will be stored, verbatim: well-formed Unicode (a lone surrogate would not survive
 * UTF-8, nor the ledger's canonical encoding) and no control characters (line breaks and tabs
 * only where `multiline`).
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
