/** The request of the data-subject subjects: `{ meta, data: {} }`, the person in `meta`. */
import { IsObject } from 'class-validator';
import { DomainError, ErrorCode, type RequestEnvelope, type RequestMeta } from '@spilno/contracts';

export class SubjectRequest implements RequestEnvelope<Record<string, never>> {
  @IsObject()
  meta!: RequestMeta;

  @IsObject()
  data!: Record<string, never>;
}

/** The caller's user id: only a signed-in person has data-subject rights over their data. */
export function subjectOf(meta: RequestMeta): string {
  if (!meta.principal) throw new DomainError(ErrorCode.Unauthenticated, 'sign in to do this');
  return meta.principal.userId;
}
