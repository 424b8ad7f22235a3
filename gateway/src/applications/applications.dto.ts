import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import {
  APPLICATION_LIMITS,
  APPLICATION_STATUSES,
  isValidHours,
  REGION_CODES,
  TASK_STATUSES,
  type ApplicantView,
  type ApplicationStatus,
  type ApplicationView,
  type ListMyApplicationsPayload,
  type MyApplicationItem,
  type MyApplicationPage,
  type RegionCode,
  type TaskApplicationItem,
  type TaskApplicationPage,
  type TaskStatus,
} from '@spilno/contracts';
import { IsPlainText } from '../initiatives/validators';
import { AvailabilityWindowDto, UserSkillDto } from '../profile/profile.dto';
import { PageQuery } from './page.query';

// The initiatives service validates these again; limits here keep junk off the bus.

/** `POST /tasks/:id/applications`: a JSON object, `{}` when there is nothing to say. */
export class ApplyDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: APPLICATION_LIMITS.messageMaxLength,
    example: 'Маю авто, можу привезти інструменти.',
    description: 'To the organizers; plain text, verbatim (never rendered as HTML)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(APPLICATION_LIMITS.messageMaxLength)
  @IsPlainText(true)
  message?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: APPLICATION_LIMITS.contactMaxLength,
    example: 'Telegram @olena_helps',
    description:
      'How the organizers may reach you, if you want them to (the platform never shows them ' +
      'your email); only the task’s organizers see it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(APPLICATION_LIMITS.contactMaxLength)
  @IsPlainText(false)
  contact?: string | null;
}

function IsHours(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isHours',
      validator: {
        validate: (value) => isValidHours(value),
        defaultMessage: () => 'hours must be 0..24 in quarter hours (e.g. 3.5)',
      },
    },
    options,
  );
}

/** `POST /applications/:id/complete` */
export class CompleteApplicationDto {
  @ApiProperty({
    minimum: 0,
    maximum: APPLICATION_LIMITS.maxHours,
    multipleOf: APPLICATION_LIMITS.hoursStep,
    example: 4.5,
    description: 'Verified hours, in quarter hours',
  })
  @IsHours()
  hours!: number;
}

/** `GET /tasks/:id/applications` */
export class ListTaskApplicationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: APPLICATION_STATUSES })
  @IsOptional()
  @IsIn(APPLICATION_STATUSES)
  status?: ApplicationStatus;
}

/** `GET /me/applications` */
export class ListMyApplicationsQuery extends PageQuery implements ListMyApplicationsPayload {
  @ApiPropertyOptional({ enum: APPLICATION_STATUSES })
  @IsOptional()
  @IsIn(APPLICATION_STATUSES)
  status?: ApplicationStatus;
}

const NULLABLE_DATE = { type: String, nullable: true, example: '2025-06-01T06:00:00.000Z' };

export class ApplicationDto implements ApplicationView {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9f1' })
  id!: string;

  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9e1' })
  taskId!: string;

  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9d0' })
  initiativeId!: string;

  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5b' })
  organizationId!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The volunteer; null once their account was erased',
  })
  userId!: string | null;

  @ApiProperty({
    enum: APPLICATION_STATUSES,
    description:
      'pending -> accepted | rejected | waitlisted; accepted -> checked_in -> completed | ' +
      'no_show; withdrawn by the volunteer before completion',
  })
  status!: ApplicationStatus;

  @ApiProperty({ type: String, nullable: true })
  message!: string | null;

  @ApiProperty({ type: String, nullable: true })
  contact!: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Verified hours, on completion' })
  hours!: number | null;

  @ApiProperty({ example: '2025-05-30T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2025-05-30T10:00:00.000Z' })
  updatedAt!: string;

  @ApiProperty(NULLABLE_DATE)
  decidedAt!: string | null;

  @ApiProperty(NULLABLE_DATE)
  checkedInAt!: string | null;

  @ApiProperty(NULLABLE_DATE)
  completedAt!: string | null;

  @ApiProperty(NULLABLE_DATE)
  withdrawnAt!: string | null;
}

export class ApplicantDto implements ApplicantView {
  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5c' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Null while not known here yet' })
  displayName!: string | null;

  @ApiProperty({ type: [UserSkillDto] })
  skills!: UserSkillDto[];

  @ApiProperty({ type: [String], example: ['uk', 'en'] })
  languages!: string[];

  @ApiProperty({ enum: REGION_CODES, nullable: true })
  region!: RegionCode | null;

  @ApiProperty({ type: String, nullable: true })
  district!: string | null;

  @ApiProperty({ type: [AvailabilityWindowDto] })
  availability!: AvailabilityWindowDto[];

  @ApiProperty({ description: 'Whether they accept proposals of tasks from organizers' })
  contactable!: boolean;
}

export class TaskApplicationItemDto extends ApplicationDto implements TaskApplicationItem {
  @ApiProperty({
    type: ApplicantDto,
    nullable: true,
    description:
      'What the volunteer shares with the organizers by applying (never email, age or ' +
      'location); null once their account was erased',
  })
  volunteer!: ApplicantDto | null;
}

export class TaskApplicationPageDto implements TaskApplicationPage {
  @ApiProperty({ type: [TaskApplicationItemDto] })
  items!: TaskApplicationItemDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class ApplicationTaskRefDto {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9e1' })
  id!: string;

  @ApiProperty({ example: 'Ранкова зміна' })
  title!: string;

  @ApiProperty({ example: '2025-06-01T06:00:00.000Z' })
  startsAt!: string;

  @ApiProperty({ example: '2025-06-01T12:00:00.000Z' })
  endsAt!: string;

  @ApiProperty({ enum: TASK_STATUSES })
  status!: TaskStatus;
}

export class ApplicationInitiativeRefDto {
  @ApiProperty({ example: '6660a1b2c3d4e5f6a7b8c9d0' })
  id!: string;

  @ApiProperty({ example: 'Відбудова школи' })
  title!: string;
}

export class MyApplicationItemDto extends ApplicationDto implements MyApplicationItem {
  @ApiProperty({ type: ApplicationTaskRefDto })
  task!: ApplicationTaskRefDto;

  @ApiProperty({ type: ApplicationInitiativeRefDto })
  initiative!: ApplicationInitiativeRefDto;
}

export class MyApplicationPageDto implements MyApplicationPage {
  @ApiProperty({ type: [MyApplicationItemDto] })
  items!: MyApplicationItemDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;

  @ApiProperty({ example: 12.5, description: 'Verified hours over all the caller’s applications' })
  verifiedHours!: number;

  @ApiProperty({ example: 3 })
  completedShifts!: number;
}
