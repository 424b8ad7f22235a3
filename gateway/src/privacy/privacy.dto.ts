import { ApiProperty } from '@nestjs/swagger';
import type { ServiceName, SubjectDataExport, SubjectExportSections } from '@spilno/contracts';

const SECTIONS_SCHEMA = {
  type: 'object',
  description:
    'Named sections, each a list of records (or one record): plain JSON, ids as strings, ' +
    'times ISO-8601 UTC, never secrets (password or token hashes)',
  additionalProperties: true,
} as const;

export class SubjectDataExportDto implements SubjectDataExport {
  @ApiProperty({ example: '2025-03-01T10:00:00.000Z' })
  exportedAt!: string;

  @ApiProperty({ example: '665f1c2e9b1d4a3f8c7e6d5b' })
  userId!: string;

  @ApiProperty({
    description:
      "Every service's part. `users`: `{ account, profile, memberships, sessions, events }`; " +
      'the others: one section per collection holding data about the caller.',
    type: 'object',
    required: ['users', 'initiatives', 'matching', 'donations'],
    properties: {
      users: SECTIONS_SCHEMA,
      initiatives: SECTIONS_SCHEMA,
      matching: SECTIONS_SCHEMA,
      donations: SECTIONS_SCHEMA,
    },
  })
  services!: Record<ServiceName, SubjectExportSections>;
}
