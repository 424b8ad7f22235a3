import { Injectable } from '@nestjs/common';
import type { Action } from '@spilno/auth';
import type { Caller } from '../common/caller';
import { parseObjectId } from '../common/object-id';
import { InitiativesError, InitiativesErrorCode } from './initiatives.errors';
import { InitiativesRepository } from './initiatives.repository';
import { Initiative } from './schemas/initiative.schema';
import { initiativeSubject } from './views';

/**
 * An initiative as the caller may see it, checked against the real document: absent and
 * invisible ones (another organization's draft) are both `not_found`; a visible one the
 * caller may not act on is `not_allowed`.
 */
@Injectable()
export class InitiativeAccess {
  constructor(private readonly initiatives: InitiativesRepository) {}

  async readable(caller: Caller, id: string): Promise<Initiative> {
    const objectId = parseObjectId(id);
    const initiative = objectId ? await this.initiatives.findById(objectId) : null;
    if (!initiative || !caller.ability.can('read', initiativeSubject(initiative))) {
      throw new InitiativesError(InitiativesErrorCode.InitiativeNotFound);
    }
    return initiative;
  }

  authorize(caller: Caller, action: Action, initiative: Initiative): void {
    if (!caller.ability.can(action, initiativeSubject(initiative))) {
      throw new InitiativesError(InitiativesErrorCode.NotAllowed);
    }
  }
}
