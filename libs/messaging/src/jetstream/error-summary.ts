/**
 * What of an error reaches logs and dead letters: its class, code and message, never the
 * objects attached to it (a handler's error may carry the document it was working on).
 */
export interface ErrorSummary {
  name: string;
  code?: string | number;
  message: string;
}

export function errorSummary(e: unknown): ErrorSummary {
  if (e instanceof Error) {
    const code = (e as { code?: string | number }).code;
    return code === undefined
      ? { name: e.name, message: e.message }
      : { name: e.name, code, message: e.message };
  }
  return { name: 'unknown', message: String(e) };
}

/** For logs of handler errors: the message may quote data, so it goes to dead letters only. */
export function errorKind(e: unknown): Omit<ErrorSummary, 'message'> {
  const { name, code } = errorSummary(e);
  return code === undefined ? { name } : { name, code };
}

/** MongoDB is unreachable: nothing to do with the event, so the consumer pauses and retries. */
export function isDatabaseUnavailable(e: unknown): boolean {
  return e instanceof Error && /^Mongo(Network|ServerSelection|NotConnected|Topology)/.test(e.name);
}

/**
 * A transaction that lost a write conflict or whose commit outcome is unknown: worth another
 * attempt. A conflict that persists usually means a crashed process's transaction still holds
 * the document (until MongoDB's transaction lifetime limit, 60 s by default).
 */
export function isTransactionConflict(e: unknown): boolean {
  const labels = (e as { errorLabels?: unknown } | null)?.errorLabels;
  return (Array.isArray(labels) ? (labels as unknown[]) : []).some(
    (l) => l === 'TransientTransactionError' || l === 'UnknownTransactionCommitResult',
  );
}
