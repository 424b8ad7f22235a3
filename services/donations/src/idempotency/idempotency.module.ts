import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotentRequests } from './idempotent-requests';
import { IdempotencyRecord, IdempotencyRecordSchema } from './schemas/idempotency-record.schema';

/** Stored first answers of `Idempotency-Key` requests (donations, expenses). */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: IdempotencyRecord.name, schema: IdempotencyRecordSchema }]),
  ],
  providers: [IdempotencyRepository, IdempotentRequests],
  exports: [IdempotentRequests],
})
export class IdempotencyModule {}
