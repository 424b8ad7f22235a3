/**
 * What the application subjects accept, validated again on receipt (the service trusts no
 * caller). Each request is the `{ meta, data }` envelope.
 */
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import {
  APPLICATION_LIMITS,
  APPLICATION_STATUSES,
  IDEMPOTENCY_KEY_PATTERN,
  isValidHours,
  type ApplicationIdPayload,
  type ApplicationStatus,
  type ApplyPayload,
  type CompleteApplicationPayload,
  type ListMyApplicationsPayload,
  type ListTaskApplicationsPayload,
  type RequestEnvelope,
} from '@spilno/contracts';
import { Envelope } from '../common/envelope';
import { IsPlainText, PageData } from '../common/validators';

/** Path ids: any short string; one that names nothing the caller may see is `not_found`. */
const ID_MAX_LENGTH = 64;

export class ApplyData implements ApplyPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  taskId!: string;

  @IsOptional()
  @IsString()
  @MaxLength(APPLICATION_LIMITS.messageMaxLength)
  @IsPlainText(true)
  message?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(APPLICATION_LIMITS.contactMaxLength)
  @IsPlainText(false)
  contact?: string | null;

  @IsOptional()
  @IsString()
  @Matches(IDEMPOTENCY_KEY_PATTERN, {
    message: 'idempotencyKey must be 1..200 visible ASCII characters',
  })
  idempotencyKey?: string;
}

export class ApplicationIdData implements ApplicationIdPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  applicationId!: string;
}

export class CompleteApplicationData
  extends ApplicationIdData
  implements CompleteApplicationPayload
{
  @ValidateBy({
    name: 'isHours',
    validator: {
      validate: (value) => isValidHours(value),
      defaultMessage: () => 'hours must be 0..24 in quarter hours (e.g. 3.5)',
    },
  })
  hours!: number;
}

export class ListTaskApplicationsData extends PageData implements ListTaskApplicationsPayload {
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  taskId!: string;

  @IsOptional()
  @IsIn(APPLICATION_STATUSES)
  status?: ApplicationStatus;
}

export class ListMyApplicationsData extends PageData implements ListMyApplicationsPayload {
  @IsOptional()
  @IsIn(APPLICATION_STATUSES)
  status?: ApplicationStatus;
}

export class ApplyRequest extends Envelope implements RequestEnvelope<ApplyData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ApplyData)
  data!: ApplyData;
}

export class ApplicationIdRequest extends Envelope implements RequestEnvelope<ApplicationIdData> {
  @IsObject()
  @ValidateNested()
  @Type(() => ApplicationIdData)
  data!: ApplicationIdData;
}

export class CompleteApplicationRequest
  extends Envelope
  implements RequestEnvelope<CompleteApplicationData>
{
  @IsObject()
  @ValidateNested()
  @Type(() => CompleteApplicationData)
  data!: CompleteApplicationData;
}

export class ListTaskApplicationsRequest
  extends Envelope
  implements RequestEnvelope<ListTaskApplicationsData>
{
  @IsObject()
  @ValidateNested()
  @Type(() => ListTaskApplicationsData)
  data!: ListTaskApplicationsData;
}

export class ListMyApplicationsRequest
  extends Envelope
  implements RequestEnvelope<ListMyApplicationsData>
{
  @IsObject()
  @ValidateNested()
  @Type(() => ListMyApplicationsData)
  data!: ListMyApplicationsData;
}
