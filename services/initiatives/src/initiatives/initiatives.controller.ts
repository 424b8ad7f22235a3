import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InitiativePage, InitiativeView, Subjects } from '@spilno/contracts';
import {
  CreateInitiativeRequest,
  InitiativeIdRequest,
  SearchInitiativesRequest,
  UpdateInitiativeRequest,
} from './initiatives.dto';
import { InitiativesService } from './initiatives.service';

@Controller()
export class InitiativesController {
  constructor(private readonly initiatives: InitiativesService) {}

  @MessagePattern(Subjects.initiatives.initiativeCreate)
  create(@Payload() request: CreateInitiativeRequest): Promise<InitiativeView> {
    return this.initiatives.create(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.initiativeUpdate)
  update(@Payload() request: UpdateInitiativeRequest): Promise<InitiativeView> {
    return this.initiatives.update(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.initiativePublish)
  publish(@Payload() request: InitiativeIdRequest): Promise<InitiativeView> {
    return this.initiatives.transition(request.meta, request.data.initiativeId, 'publish');
  }

  @MessagePattern(Subjects.initiatives.initiativeComplete)
  complete(@Payload() request: InitiativeIdRequest): Promise<InitiativeView> {
    return this.initiatives.transition(request.meta, request.data.initiativeId, 'complete');
  }

  @MessagePattern(Subjects.initiatives.initiativeCancel)
  cancel(@Payload() request: InitiativeIdRequest): Promise<InitiativeView> {
    return this.initiatives.transition(request.meta, request.data.initiativeId, 'cancel');
  }

  @MessagePattern(Subjects.initiatives.initiativeGet)
  get(@Payload() request: InitiativeIdRequest): Promise<InitiativeView> {
    return this.initiatives.get(request.meta, request.data.initiativeId);
  }

  @MessagePattern(Subjects.initiatives.initiativeSearch)
  search(@Payload() request: SearchInitiativesRequest): Promise<InitiativePage> {
    return this.initiatives.search(request.meta, request.data);
  }
}
