import { Module } from '@nestjs/common';
import { MatchingIndex } from './matching-index';

/** The one in-memory index of the process, shared by every module that matches. */
@Module({ providers: [MatchingIndex], exports: [MatchingIndex] })
export class MatchingIndexModule {}
