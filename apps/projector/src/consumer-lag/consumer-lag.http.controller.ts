import { Controller, ForbiddenException, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { consumerGroupLag, type PartitionLag } from '@orders/messaging';
import { CurrentPrincipal, Documented, ServiceConfig, type Principal } from '@orders/service-kit';
import { PROJECTOR_SETTINGS, type ProjectorSettings } from '../settings';
import { CONSUMER_LAG_ANSWER } from './consumer-lag.http.docs';

/**
 * Every consumer group of this deployment (its topic prefix) with its lag per topic and partition, for the
 * operators' console: the same function `ops status` sums per topic. The projector answers it because it already
 * holds the operators' cross-service views (dead letters, read models); it reads the broker, no database.
 */
@ApiTags('operations')
@ApiSecurity('api-key')
@ApiBearerAuth()
@Controller('ops/consumer-lag')
export class ConsumerLagController {
  constructor(
    private readonly config: ServiceConfig,
    @Inject(PROJECTOR_SETTINGS) private readonly settings: ProjectorSettings,
  ) {}

  @Get()
  @Documented({
    summary: 'Consumer-group lag per group, topic and partition: committed offset vs high watermark',
    ...CONSUMER_LAG_ANSWER,
  })
  async lag(@CurrentPrincipal() principal: Principal): Promise<{ partitions: PartitionLag[] }> {
    if (principal.tenants !== '*') {
      throw new ForbiddenException({
        code: 'TENANT_FORBIDDEN',
        message: 'consumer groups cross companies: an all-company key only',
      });
    }
    const kafka = {
      brokers: this.config.kafka.brokers,
      clientId: `${this.config.kafka.clientId}-ops`,
      logLevel: 'nothing' as const,
    };
    return { partitions: await consumerGroupLag(kafka, { prefix: this.settings.topics.prefix }) };
  }
}
