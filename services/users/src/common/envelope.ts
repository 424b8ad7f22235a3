/** The `{ meta, data }` request envelope as every handler of this service receives it. */
import { IsObject } from 'class-validator';
import { DomainError, ErrorCode, type RequestEnvelope, type RequestMeta } from '@spilno/contracts';

/** `meta` comes from the gateway; each subclass validates its `data`. */
export abstract class Envelope {
  @IsObject()
  meta!: RequestMeta;
}

/** A request whose `data` carries nothing the handler reads (the caller is in `meta`). */
export class EmptyRequest extends Envelope implements RequestEnvelope<Record<string, never>> {
  @IsObject()
  data!: Record<string, never>;
}

/** The caller's user id; the gateway's policy already refused anonymous callers. */
export function signedIn(meta: RequestMeta): string {
  if (!meta.principal) throw new DomainError(ErrorCode.Unauthenticated, 'sign in to do this');
  return meta.principal.userId;
}
