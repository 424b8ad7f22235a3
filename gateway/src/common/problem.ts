/**
 * RFC 9457 problem details, and the one table that turns an error code into an HTTP status.
 */
import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { DomainError, ErrorCode, FieldError } from '@spilno/contracts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'title' })
  field!: string;

  @ApiProperty({ example: 'title must be shorter than or equal to 200 characters' })
  message!: string;
}

export class ProblemDto {
  @ApiProperty({ example: 'urn:spilno:problem:validation' })
  type!: string;

  @ApiProperty({ example: 'Invalid input' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'the request is invalid' })
  detail!: string;

  @ApiProperty({ example: '/api/v1/initiatives', description: 'The path of the failed request' })
  instance!: string;

  @ApiProperty({ example: '5b0d7c3e-2f59-4a0c-9b8e-3f1d2a4c6e70' })
  requestId!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({ description: 'For 500s: quote it when reporting the problem' })
  errorId?: string;
}

/** Documents a problem answer of a route, with the problem content type. */
export function ApiProblemResponse(status: number, description: string) {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ApiResponse({
      status,
      description,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
    }),
  );
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
  errorId?: string;
  [extension: string]: unknown;
}

/** A `DomainError` with extra problem members (e.g. readiness `checks`). */
export class ProblemError extends DomainError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown>,
    retryAfter?: number,
  ) {
    super(code, message, undefined, retryAfter);
    this.name = 'ProblemError';
  }
}

export interface HttpMapping {
  status: number;
  title: string;
}

/**
 * Every error code's HTTP status (api.md, Conventions). Exhaustive: adding an `ErrorCode`
 * without a case here fails the type check at `assertNever`.
 */
export function httpMappingFor(code: ErrorCode): HttpMapping {
  switch (code) {
    case ErrorCode.Validation:
      return { status: 400, title: 'Invalid input' };
    case ErrorCode.Unauthenticated:
      return { status: 401, title: 'Not authenticated' };
    case ErrorCode.Forbidden:
      return { status: 403, title: 'Not allowed' };
    case ErrorCode.NotFound:
      return { status: 404, title: 'Not found' };
    case ErrorCode.Conflict:
      return { status: 409, title: 'Conflict' };
    case ErrorCode.PayloadTooLarge:
      return { status: 413, title: 'Body too large' };
    case ErrorCode.UnsupportedMediaType:
      return { status: 415, title: 'Unsupported media type' };
    case ErrorCode.Unprocessable:
      return { status: 422, title: 'Unprocessable request' };
    case ErrorCode.RateLimited:
      return { status: 429, title: 'Too many requests' };
    case ErrorCode.Unavailable:
      return { status: 503, title: 'Service unavailable' };
    case ErrorCode.Internal:
      return { status: 500, title: 'Internal error' };
    default:
      return assertNever(code);
  }
}

const CODE_BY_STATUS = new Map(
  Object.values(ErrorCode).map((code) => [httpMappingFor(code).status, code] as const),
);

/** The code a framework-level HTTP status stands for (the table above, read backwards). */
export function errorCodeForStatus(status: number): ErrorCode | null {
  return CODE_BY_STATUS.get(status) ?? null;
}

export function problemType(code: ErrorCode | null): string {
  return code ? `urn:spilno:problem:${code}` : 'about:blank';
}

export function assertNever(value: never): never {
  throw new Error(`unmapped value: ${String(value)}`);
}
