// Test helpers for the service shells' specs: `import { describeServiceShell } from '@orders/service-kit/testing'`.
export { describeServiceShell } from './src/testing/service-shell.suite';
export { withProbe } from './src/testing/probe.module';
export { databaseUrlOn, eventually, ignoreForcedDrop, onAdmin, withClient } from './src/testing/test-database';
export {
  describeHostileInput, fuzzService, type FuzzOptions, type FuzzReport, type FuzzTarget,
} from './src/testing/hostile-fuzz';
export {
  answerWithoutId, captureLogs, COMMAND_HEADER_FAULTS, headerFaultBody, UNREPRESENTABLE_PATH_IDS,
} from './src/testing/http-edge';
export {
  bootServiceApp, listeningUrl, startServiceMessaging, startOnFreshDatabase,
  type FreshDatabaseBoot, type ServiceAppBoot, type ServiceTestApp,
} from './src/testing/service-app';
export {
  openApiGaps, securityMismatches, servedDocument, type OpenApiGap, type OpenApiGapOptions,
} from './src/testing/openapi-completeness';
export { recordSpans, type SpanRecorder } from './src/testing/span-recorder';
export { describeOpenApiCompleteness, type OpenApiTarget } from './src/testing/openapi-suite';
export { DocumentedAnswers, type RealAnswer } from './src/testing/openapi-answers';
