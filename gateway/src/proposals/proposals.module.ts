import { Module } from '@nestjs/common';
import { InitiativeProposalsController, ProposalsController } from './proposals.controller';

/** Co-design: proposals and votes, answered by the initiatives service. */
@Module({ controllers: [InitiativeProposalsController, ProposalsController] })
export class ProposalsModule {}
