/**
 * The one validation pipe, for HTTP bodies at the gateway and for payloads again on receipt
 * in services (a service trusts no caller, not even the gateway): strict class-validator options, explicit because defaults differ by version
 * (CVE-2019-18413). Failures become `DomainError(validation)` with one entry per field.
 */
import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorCode, FieldError } from '@spilno/contracts';

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/**
 * Nest's ValidationPipe validates an array body element by element against the DTO class, so
 * `[]` passes as "nothing wrong" and reaches the handler as a body without any field. A DTO is
 * an object: anything else (array, string, number, null) is refused before validation.
 */
class ObjectBodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const expectsObject =
      metadata.type === 'body' && metadata.metatype !== undefined && this.toValidate(metadata);
    if (expectsObject && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new DomainError(ErrorCode.Validation, 'the request is invalid', [
        { field: '(body)', message: 'must be a JSON object' },
      ]);
    }
    return super.transform(value, metadata);
  }
}

export function strictValidationPipe(): ValidationPipe {
  return new ObjectBodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new DomainError(
        ErrorCode.Validation,
        'the request is invalid',
        flattenValidationErrors(errors),
      ),
  });
}
