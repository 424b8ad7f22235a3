import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { SkillView, Subjects } from '@spilno/contracts';
import { EmptyRequest } from '../common/envelope';
import { SkillsTaxonomy } from './skills-taxonomy';

@Controller()
export class SkillsController {
  constructor(private readonly taxonomy: SkillsTaxonomy) {}

  /** Anyone may read the taxonomy; `meta.principal` may be null. */
  @MessagePattern(Subjects.users.skillsList)
  list(@Payload() _request: EmptyRequest): readonly SkillView[] {
    return this.taxonomy.list();
  }
}
