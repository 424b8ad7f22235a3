/**
 * The one validation pipe, for HTTP bodies at the gateway and for payloads again on receipt
 * in services (a service trusts no caller, not even the gateway): strict class-validator options, explicit because defaults differ by version
 * (CVE-2019-18413). Failures become `DomainError(validation)` with one entry per field.
 */
import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorCode, FieldError } from '@spilno/contracts';

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
