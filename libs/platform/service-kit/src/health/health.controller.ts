import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ServerResponse } from 'node:http';
import { ApiOperation } from '@nestjs/swagger';
import { Public } from '../auth/api-key.guard';
import { Documented } from '../http/documented';
import { ServiceConfig } from '../config/service-config';
import { KafkaHealthIndicator } from './kafka.health';

@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly config: ServiceConfig,
  ) {}

  /** Readiness: 200 when the database and Kafka answer, 503 with each dependency's status otherwise. */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the database and Kafka answer (503 with each dependency otherwise)' })
  async check(@Res({ passthrough: true }) res: ServerResponse): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database').withTimeout(this.config.healthCheckTimeoutMs),
        () => this.kafka.check('kafka'),
      ]);
    } catch (error) {
      // A failed check is an answer, not an error: keep terminus's per-dependency body, not the error envelope.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.statusCode = 503;
      return error.getResponse() as HealthCheckResult;
    }
  }

  /** Liveness: the process serves HTTP; dependencies do not matter here, a restart would not fix them. */
  @Get('live')
  @Documented({
    summary: 'Liveness: the process serves HTTP',
    schema: {
      type: 'object', required: ['status', 'uptime_s'],
      properties: { status: { type: 'string', enum: ['ok'] }, uptime_s: { type: 'integer', minimum: 0 } },
    },
    example: { status: 'ok', uptime_s: 3600 },
  })
  live(): { status: 'ok'; uptime_s: number } {
    return { status: 'ok', uptime_s: Math.round(process.uptime()) };
  }
}
