import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, type SubjectErasure, type UsersSubjectExport } from '@spilno/contracts';
import { EmptyRequest, signedIn } from '../common/envelope';
import { PrivacyService } from './privacy.service';

/** The caller's data-subject rights: their export and their erasure. */
@Controller()
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  @MessagePattern(Subjects.users.subjectExport)
  export(@Payload() request: EmptyRequest): Promise<UsersSubjectExport> {
    return this.privacy.export(signedIn(request.meta));
  }

  @MessagePattern(Subjects.users.subjectErase)
  erase(@Payload() request: EmptyRequest): Promise<SubjectErasure> {
    return this.privacy.erase(signedIn(request.meta));
  }
}
