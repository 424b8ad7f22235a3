/**
 * Error codes that cross service boundaries. A service throws a `DomainError` with one of these;
 * the RPC filter carries it to the caller; the gateway maps it, in one exhaustive table, to the
 * HTTP status of api.md. Adding a code without mapping it fails the gateway's type check.
 */
export enum ErrorCode {
  /** 400: the input does not have the expected shape. */
  Validation = 'validation',
  /** 401: no credentials, or invalid ones. */
  Unauthenticated = 'unauthenticated',
  /** 403: authenticated, not allowed. */
  Forbidden = 'forbidden',
  /** 404: absent, or not visible to the caller. */
  NotFound = 'not_found',
  /** 409: duplicate, wrong state, full. */
  Conflict = 'conflict',
  /** 413 */
  PayloadTooLarge = 'payload_too_large',
  /** 415 */
  UnsupportedMediaType = 'unsupported_media_type',
  /** 422: well-formed but semantically invalid (e.g. an idempotency key reused with another body). */
  Unprocessable = 'unprocessable',
  /** 429 */
  RateLimited = 'rate_limited',
  /** 503: a dependency is down or did not answer in time. */
  Unavailable = 'unavailable',
  /** 500: a bug; details stay in the logs under the error id. */
  Internal = 'internal',
}

export interface FieldError {
  field: string;
  message: string;
}

/** What travels back over NATS when a handler fails. */
export interface RpcErrorPayload {
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
  /** For `internal`: the id under which the service logged the failure. */
  errorId?: string;
  /** Seconds, for `rate_limited` and `unavailable`. */
  retryAfter?: number;
}

/** A failure with a code the caller may act on. Services throw this and only this. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toPayload(): RpcErrorPayload {
    const payload: RpcErrorPayload = { code: this.code, message: this.message };
    if (this.errors?.length) payload.errors = this.errors;
    if (this.retryAfter !== undefined) payload.retryAfter = this.retryAfter;
    return payload;
  }
}

export function isRpcErrorPayload(v: unknown): v is RpcErrorPayload {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as RpcErrorPayload).code === 'string' &&
    Object.values(ErrorCode).includes((v as RpcErrorPayload).code) &&
    typeof (v as RpcErrorPayload).message === 'string'
  );
}
