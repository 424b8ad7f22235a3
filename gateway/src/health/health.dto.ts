import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DependencyHealth, SERVICE_NAMES, ServiceHealth, ServiceName } from '@spilno/contracts';

export class LivenessDto {
  @ApiProperty({ example: 'ok' })
  status!: 'ok';
}

export class CheckDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status!: 'up' | 'down';

  @ApiPropertyOptional({ example: 'did not answer within 1000 ms' })
  detail?: string;
}

export type Checks = Record<'nats' | ServiceName, CheckDto>;

export class ReadinessDto {
  @ApiProperty({ example: 'ready' })
  status!: 'ready';

  @ApiProperty({
    description: 'One entry per dependency: nats and each service',
    example: { nats: { status: 'up' }, users: { status: 'up' } },
  })
  checks!: Checks;
}

export class DependencyHealthDto implements DependencyHealth {
  @ApiProperty({ example: 'mongodb' })
  name!: string;

  @ApiProperty()
  ok!: boolean;

  @ApiPropertyOptional()
  detail?: string;
}

export class ServiceHealthDto implements ServiceHealth {
  @ApiProperty({ enum: SERVICE_NAMES })
  service!: ServiceName;

  @ApiProperty({ enum: ['ok', 'degraded'] })
  status!: 'ok' | 'degraded';

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ example: 42 })
  uptimeSeconds!: number;

  @ApiProperty({ type: [DependencyHealthDto] })
  dependencies!: DependencyHealthDto[];
}
