/** What the ledger subjects accept, validated again on receipt. */
import { Type } from 'class-transformer';
import { IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { ListLedgerPayload, RequestEnvelope } from '@spilno/contracts';
import { Envelope } from '../common/envelope';
import { ID_MAX_LENGTH, PageData } from '../common/validators';

export class ListLedgerData extends PageData implements ListLedgerPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  campaignId!: string;
}

export class ListLedgerRequest extends Envelope implements RequestEnvelope<ListLedgerData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ListLedgerData)
  data!: ListLedgerData;
}
