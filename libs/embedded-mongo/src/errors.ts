/**
 * MongoDB server error codes the embedded server answers with. Names are MongoDB's codeNames,
 * because drivers and applications read `code` and `codeName`.
 */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  Unauthorized: 13,
  TypeMismatch: 14,
  InvalidLength: 16,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  MaxTimeMSExpired: 50,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  NotSingleValueField: 54,
  EmptyFieldName: 56,
  DottedFieldName: 57,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CannotCreateIndex: 67,
  WriteConflict: 112,
  InvalidUUID: 207,
  NotImplemented: 238,
  ConversionFailure: 241,
  NoSuchTransaction: 251,
  TransactionCommitted: 256,
  TransactionTooOld: 225,
  BSONObjectTooLarge: 10334,
  Location17419: 17419,
  TransactionTooLarge: 257,
  OperationNotSupportedInTransaction: 263,
  ChangeStreamHistoryLost: 286,
  TransactionExceededLifetimeLimitSeconds: 290,
  NoQueryExecutionPlans: 291,
  DuplicateKey: 11000,
  Location16755: 16755,
  Location40324: 40324,
  FailedToParse: 9,
  InvalidPipelineOperator: 168,
  Location15998: 15998,
  Location17276: 17276,
  Location31254: 31254,
  Location40352: 40352,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

const NAME_OF: Record<number, string> = Object.fromEntries(
  Object.entries(ErrorCode).map(([name, code]) => [code, name]),
);

/** A server-side failure that becomes `{ ok: 0, errmsg, code, codeName, ... }` on the wire. */
export class MongoError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly errorLabels: string[];
  /** Extra fields copied onto the reply (e.g. keyPattern/keyValue for duplicates). */
  readonly extra: Record<string, unknown>;

  constructor(
    code: number,
    message: string,
    extra: Record<string, unknown> = {},
    errorLabels: string[] = [],
  ) {
    super(message);
    this.code = code;
    this.codeName = NAME_OF[code] ?? `Location${code}`;
    this.extra = extra;
    this.errorLabels = errorLabels;
  }

  static of(name: ErrorCodeName, message: string, extra: Record<string, unknown> = {}): MongoError {
    return new MongoError(ErrorCode[name], message, extra);
  }

  toReply(): Record<string, unknown> {
    const reply: Record<string, unknown> = {
      ok: 0,
      errmsg: this.message,
      code: this.code,
      codeName: this.codeName,
      ...this.extra,
    };
    if (this.errorLabels.length > 0) reply.errorLabels = this.errorLabels;
    return reply;
  }

  /** The shape of one entry of `writeErrors`. */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

export function badValue(message: string): MongoError {
  return MongoError.of('BadValue', message);
}
