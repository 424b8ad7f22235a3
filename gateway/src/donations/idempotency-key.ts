import { ApiHeader } from '@nestjs/swagger';
import {
  DomainError,
  DONATION_IDEMPOTENCY_KEY_PATTERN,
  ErrorCode,
  IDEMPOTENCY_KEY_HEADER,
} from '@spilno/contracts';

const RULE = '1..100 printable ASCII characters, not starting or ending with a space';

/** Documents the required `Idempotency-Key` header of money-moving writes. */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: true,
    description:
      `${RULE}; a UUID is best (unguessable). A repeat with the same key and body within ` +
      '24 hours answers the first answer (status and body); with another body, 422. Keys are ' +
      'per caller: per account, or one shared scope for callers without one.',
    schema: { type: 'string', pattern: DONATION_IDEMPOTENCY_KEY_PATTERN.source, maxLength: 100 },
  });

/** The header's value, or a 400 problem naming it when missing or malformed. */
export function requireIdempotencyKey(value: string | string[] | undefined): string {
  if (typeof value !== 'string' || !DONATION_IDEMPOTENCY_KEY_PATTERN.test(value)) {
    throw new DomainError(ErrorCode.Validation, 'the request is invalid', [
      {
        field: IDEMPOTENCY_KEY_HEADER,
        message:
          value === undefined
            ? `${IDEMPOTENCY_KEY_HEADER} is required`
            : `${IDEMPOTENCY_KEY_HEADER} must be ${RULE}`,
      },
    ]);
  }
  return value;
}
