import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { ServiceConfig } from '../config/service-config';

/**
 * Kafka is up when the cluster describes itself within the health timeout. One admin connection is kept
 * between checks (a probe every few seconds must not open a connection each time) and replaced after a failure.
 */
@Injectable()
export class KafkaHealthIndicator implements OnApplicationShutdown {
  private readonly kafka: Kafka;
  private admin?: Promise<Admin>;

  constructor(private readonly indicators: HealthIndicatorService, private readonly config: ServiceConfig) {
    const timeout = config.healthCheckTimeoutMs;
    this.kafka = new Kafka({
      clientId: `${config.kafka.clientId}-health`,
      brokers: config.kafka.brokers,
      connectionTimeout: Math.min(1000, timeout),
      requestTimeout: timeout,
      retry: { retries: 0 },
      // The outcome is reported by /health; kafkajs's own error lines would only repeat it.
      logLevel: logLevel.NOTHING,
    });
  }

  check(key = 'kafka') {
    return this.indicators
      .check(key)
      .attempt(async () => {
        try {
          const admin = await this.connectedAdmin();
          const cluster = await admin.describeCluster();
          return { brokers: cluster.brokers.length, controller: cluster.controller };
        } catch (error) {
          await this.reset();
          throw error;
        }
      })
      .withTimeout(this.config.healthCheckTimeoutMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reset();
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    return this.admin;
  }

  private async reset(): Promise<void> {
    const pending = this.admin;
    this.admin = undefined;
    const admin = await pending?.catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
  }
}
