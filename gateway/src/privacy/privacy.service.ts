/**
 * The caller's data-subject rights across services. The export asks every service at once and
 * is whole or nothing: a service that does not answer makes it a 503, never an export that
 * looks complete without that service's part. Erasure goes to the users service, which
 * erases first-hand and tells the others; this gateway refuses the caller's tokens at once,
 * the other replicas when the erasure event reaches them.
 */
import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  SERVICE_NAMES,
  SUBJECT_EXPORT_SUBJECTS,
  Subjects,
  type RequestMeta,
  type ServiceName,
  type SubjectDataExport,
  type SubjectErasure,
  type SubjectExportSections,
} from '@spilno/contracts';
import { RpcClient } from '@spilno/messaging';
import { AccessRevocations } from '../auth-revocation/access-revocations';
import { ProblemError } from '../common/problem';

/** Seconds a client should wait before asking again for an export a service could not give. */
export const EXPORT_RETRY_AFTER_SECONDS = 5;

@Injectable()
export class PrivacyService {
  constructor(
    private readonly rpc: RpcClient,
    private readonly revocations: AccessRevocations,
  ) {}

  async export(meta: RequestMeta): Promise<SubjectDataExport> {
    const userId = callerOf(meta);
    const answers = await Promise.allSettled(
      SERVICE_NAMES.map((service) =>
        this.rpc.send<SubjectExportSections>(SUBJECT_EXPORT_SUBJECTS[service], {}, { meta }),
      ),
    );
    const services = {} as Record<ServiceName, SubjectExportSections>;
    const unavailable: ServiceName[] = [];
    for (const [i, answer] of answers.entries()) {
      const service = SERVICE_NAMES[i];
      if (answer.status === 'fulfilled') services[service] = answer.value;
      else if (isUnavailable(answer.reason)) unavailable.push(service);
      else throw answer.reason;
    }
    if (unavailable.length > 0) {
      throw new ProblemError(
        ErrorCode.Unavailable,
        `the export is incomplete without ${unavailable.join(', ')}; try again later`,
        { unavailable },
        EXPORT_RETRY_AFTER_SECONDS,
      );
    }
    return { exportedAt: new Date().toISOString(), userId, services };
  }

  async erase(meta: RequestMeta): Promise<void> {
    const erasure = await this.rpc.send<SubjectErasure>(Subjects.users.subjectErase, {}, { meta });
    this.revocations.revoke(erasure.userId, new Date(erasure.erasedAt), 'erased');
  }
}

function isUnavailable(e: unknown): boolean {
  return e instanceof DomainError && e.code === ErrorCode.Unavailable;
}

function callerOf(meta: RequestMeta): string {
  // The route's policy admits signed-in callers only; this keeps the type honest.
  if (!meta.principal) throw new DomainError(ErrorCode.Unauthenticated, 'sign in to do this');
  return meta.principal.userId;
}
