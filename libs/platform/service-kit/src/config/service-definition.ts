/** What makes one service shell different from another: everything else comes from the kit. */
export interface ServiceDefinition {
  /** Service name: Kafka client id default, log name, docker-compose service name. */
  readonly name: string;
  /** OpenAPI title. */
  readonly title: string;
  readonly description: string;
  readonly defaultPort: number;
  /** Each service has its own database and its own variable, so one environment can hold all three. */
  readonly databaseUrlVariable: string;
  /** Database name in the default URL (and the one `infra:up` creates). */
  readonly databaseName: string;
}
