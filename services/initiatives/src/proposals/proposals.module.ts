import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ApplicationsModule } from '../applications/applications.module';
import { InitiativesModule } from '../initiatives/initiatives.module';
import { ProposalsController } from './proposals.controller';
import { ProposalsRepository } from './proposals.repository';
import { ProposalsService } from './proposals.service';
import { Proposal, ProposalSchema } from './schemas/proposal.schema';
import { Vote, VoteSchema } from './schemas/vote.schema';
import { VotesRepository } from './votes.repository';

/** Co-design: proposals and votes (authors' names from the applications module's read model). */
@Module({
  imports: [
    InitiativesModule,
    ApplicationsModule,
    MongooseModule.forFeature([
      { name: Proposal.name, schema: ProposalSchema },
      { name: Vote.name, schema: VoteSchema },
    ]),
  ],
  controllers: [ProposalsController],
  providers: [ProposalsService, ProposalsRepository, VotesRepository],
})
export class ProposalsModule {}
