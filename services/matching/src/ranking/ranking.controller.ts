import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, type CandidateView, type RecommendationView } from '@spilno/contracts';
import { CandidatesRequest, RecommendationsRequest } from '../common/matching.dto';
import { RankingService } from './ranking.service';

@Controller()
export class RankingController {
  constructor(private readonly ranking: RankingService) {}

  @MessagePattern(Subjects.matching.recommendationList)
  recommendations(@Payload() request: RecommendationsRequest): RecommendationView[] {
    return this.ranking.recommendations(request.meta, request.data);
  }

  @MessagePattern(Subjects.matching.candidateList)
  candidates(@Payload() request: CandidatesRequest): CandidateView[] {
    return this.ranking.candidates(request.meta, request.data);
  }
}
