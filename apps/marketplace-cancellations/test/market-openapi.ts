import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

// Market's own OpenAPI description of the decision method (a licensed subset, in ../contracts), compiled with ajv so
// specs can hold our requests and answers against it. Every YAML file gets its path as `$id`, which lets the
// relative `$ref`s between files resolve as they do in Market's repository.

const root = join(__dirname, '..', 'contracts', 'yandex-market-partner-api', 'openapi');
const BASE = 'https://market.invalid/openapi/';
const DECISION_PATH = 'paths/v2_campaigns_campaignId_orders_orderId_cancellation_accept.yaml';

type Yaml = Record<string, unknown>;
const load = (file: string): Yaml => parse(readFileSync(join(root, file), 'utf8')) as Yaml;

function createAjv(): Ajv {
  // OpenAPI 3.0 adds keywords and formats JSON Schema does not know (nullable is built into ajv).
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  const dir = join(root, 'components', 'schemas');
  for (const file of readdirSync(dir)) {
    ajv.addSchema({ ...load(join('components', 'schemas', file)), $id: BASE + relative(root, join(dir, file)) });
  }
  return ajv;
}

export interface MarketDecisionContract {
  /** AcceptOrderCancellationRequest. */
  readonly request: ValidateFunction;
  /** The schema Market declares for an HTTP status of the method (200, 400, 401, 403, 404, 420, 500). */
  response(status: number): ValidateFunction;
  /** ApiErrorResponse: the envelope for statuses Market does not list (409, 422). */
  readonly errorEnvelope: ValidateFunction;
  readonly campaignId: ValidateFunction;
  readonly orderId: ValidateFunction;
  readonly onlyWaitingForCancellationApprove: ValidateFunction;
  readonly declaredStatuses: readonly number[];
}

const schemaUrl = (fromFile: string, ref: string): string => new URL(ref, BASE + fromFile).toString();

export function marketDecisionContract(): MarketDecisionContract {
  const ajv = createAjv();
  const operation = (load(DECISION_PATH).put ?? {}) as Yaml;
  const requestRef = ((((operation.requestBody as Yaml).content as Yaml)['application/json'] as Yaml).schema as Yaml).$ref as string;
  const responses = operation.responses as Record<string, Yaml>;
  const responseSchema = (status: number): ValidateFunction => {
    let file = DECISION_PATH;
    let response = responses[String(status)];
    if (!response) throw new Error(`Market declares no ${status} for acceptOrderCancellation`);
    if (typeof response.$ref === 'string') {
      file = relative(root, join(root, 'paths', response.$ref));
      response = load(file);
    }
    const ref = (((response.content as Yaml)['application/json'] as Yaml).schema as Yaml).$ref as string;
    return ajv.getSchema(schemaUrl(file, ref)) as ValidateFunction;
  };
  const parameter = (name: string): ValidateFunction => ajv.compile(load(join('components', 'parameters', `${name}.yaml`)).schema as Yaml);
  return {
    request: ajv.getSchema(schemaUrl(DECISION_PATH, requestRef)) as ValidateFunction,
    response: responseSchema,
    errorEnvelope: ajv.getSchema(`${BASE}components/schemas/ApiErrorResponse.yaml`) as ValidateFunction,
    campaignId: parameter('CampaignId'),
    orderId: parameter('OrderId'),
    onlyWaitingForCancellationApprove: parameter('GetOrdersOnlyWaitingForCancellationApprove'),
    declaredStatuses: Object.keys(responses).map(Number),
  };
}
