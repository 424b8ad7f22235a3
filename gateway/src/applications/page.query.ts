import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PAGE_CURSOR_MAX_LENGTH, PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '@spilno/contracts';
import { QueryNumber } from '../initiatives/validators';

const CURSOR = /^[A-Za-z0-9_-]+$/;

/** `limit` and `cursor` of the participation, co-design and co-monitoring lists. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT })
  @IsOptional()
  @QueryNumber()
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit?: number;

  @ApiPropertyOptional({
    maxLength: PAGE_CURSOR_MAX_LENGTH,
    description: "The previous page's `nextCursor`; opaque",
  })
  @IsOptional()
  @IsString()
  @MaxLength(PAGE_CURSOR_MAX_LENGTH)
  @Matches(CURSOR, { message: 'cursor is invalid' })
  cursor?: string;
}
