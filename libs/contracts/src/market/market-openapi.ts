import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { posix } from 'node:path';
import { load, NOTIFICATIONS_FILE, PARTNER_API, yamlFiles } from './market-files';

/*
 * Market's own OpenAPI description, compiled with ajv: the Partner API methods the platform calls or mirrors
 * (vendored unchanged in ../../market/yandex-market-partner-api) and the notifications Market sends to the shop
 * (../../market/push-notifications, transcribed from the reference page). Both the shop-side façade and anything
 * playing Market hold requests and answers against it, so "as Market says" is checked, not remembered.
 *
 * Every YAML file gets its path under one base URL as `$id`, so the relative `$ref`s between files resolve as they do
 * in Market's repository. OpenAPI 3.0 keywords JSON Schema does not know (`x-*`, `example`, `discriminator`) are
 * ignored (strict: false); `nullable` is ajv's own.
 */

const BASE = 'https://market.invalid/';

type Yaml = Record<string, unknown>;
const isObject = (value: unknown): value is Yaml =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const DD_MM_YYYY = /^(\d{2})-(\d{2})-(\d{4})$/;
const isCalendarDate = (day: number, month: number, year: number): boolean => {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};
const ddMmYyyy = (text: string): boolean => {
  const match = DD_MM_YYYY.exec(text);
  return match !== null && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
};

function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // Market's times of day are `ЧЧ:ММ` (OrderDeliveryDatesDTO: "09:00"), not RFC 3339's full-time with an offset.
  ajv.addFormat('time', /^([01]\d|2[0-3]):[0-5]\d$/);
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  // Market's own date formats (DateDdMmYyyy, DateDdMmYyyyHhMmSs): "23-09-2022", "23-09-2022 09:12:41".
  ajv.addFormat('date-dd-MM-yyyy', ddMmYyyy);
  ajv.addFormat('date-dd-MM-yyyy-HH-mm-ss', (text: string) => {
    const [date, time, ...rest] = text.split(' ');
    return rest.length === 0 && ddMmYyyy(date ?? '') && /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(time ?? '');
  });
  // Path, parameter and response files are OpenAPI objects, not schemas (`required: false` on a parameter): the
  // schemas inside them are added one by one when an operation is described (schemaIn).
  for (const file of yamlFiles(`${PARTNER_API}/components/schemas`)) ajv.addSchema({ ...load(file), $id: BASE + file });
  ajv.addSchema({ components: load(NOTIFICATIONS_FILE).components, $id: BASE + NOTIFICATIONS_FILE });
  return ajv;
}

/** One query, path or header parameter of an operation, as Market declares it. */
export interface MarketParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly deprecated: boolean;
  /** Other names Market accepts for it (`page_token` for `pageToken`). */
  readonly aliases: readonly string[];
  /** Checks a typed value (numbers as numbers, arrays as arrays) against the parameter's schema. */
  readonly validate: ValidateFunction;
}

/** What Market's `x-resource-limit-config` says of a method. */
export interface MarketLimitsOf {
  /** Requests in flight at once per campaign, when the method sets its own (otherwise Market's global limit). */
  readonly parallel?: number;
  readonly perHour?: number;
}

export interface MarketOperation {
  readonly operationId: string;
  readonly method: string;
  /** The path template, `/v2/campaigns/{campaignId}/orders`. */
  readonly path: string;
  readonly parameters: readonly MarketParameter[];
  readonly requestBody?: ValidateFunction;
  readonly declaredStatuses: readonly number[];
  /** The schema of the answer Market declares for `status`; throws for a status it does not declare. */
  response(status: number): ValidateFunction;
  readonly limits: MarketLimitsOf;
}

/** One example of the sendNotification reference, exactly as the page shows it. */
export interface NotificationExample {
  /** The schema the page shows it under (`OrderCancellationRequestNotificationDTO`). */
  readonly dto: string;
  /** The notification type that schema stands for (its discriminator value). */
  readonly notificationType: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export type NotificationCheck =
  | { readonly ok: true; readonly notificationType: string; readonly dto: string }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface MarketNotifications {
  readonly types: readonly string[];
  /** The request as Market's discriminator reads it: notificationType picks the schema the body must satisfy. */
  check(body: unknown): NotificationCheck;
  /** The 200 answer (`{version, name, time}`). */
  readonly response: ValidateFunction;
  /** The 400 and 500 answers (`{error: {type, message}}`). */
  readonly errorResponse: ValidateFunction;
  /** Each schema's example, and the request and answer examples of the page, as shown there. */
  readonly examples: readonly NotificationExample[];
  readonly requestExamples: readonly Readonly<Record<string, unknown>>[];
  readonly responseExamples: readonly Readonly<Record<string, unknown>>[];
}

export interface MarketOpenApi {
  operation(operationId: string): MarketOperation;
  /** `components/schemas/<name>.yaml` of the Partner API. */
  schema(name: string): ValidateFunction;
  readonly notifications: MarketNotifications;
}

/** `minimum must be >= 1 at /campaignId`: one line per ajv error, for messages and test failures. */
export const describeAjvErrors = (errors: readonly ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map((e) => {
    const missing =
      e.keyword === 'required' ? `/${String((e.params as { missingProperty?: string }).missingProperty)}` : '';
    const at = `${e.instancePath}${missing}` || '(body)';
    return e.keyword === 'required' ? `${at} is required` : `${at} ${e.message ?? e.keyword}`;
  });

function refTarget(fromFile: string, ref: string): string {
  const [file, fragment] = ref.split('#');
  const target = file ? posix.normalize(posix.join(posix.dirname(fromFile), file)) : fromFile;
  return fragment ? `${BASE}${target}#${fragment}` : BASE + target;
}

function partnerOperation(ajv: Ajv, operationId: string): MarketOperation {
  for (const file of yamlFiles(`${PARTNER_API}/paths`)) {
    const pathItem = load(file);
    for (const [method, operation] of Object.entries(pathItem)) {
      if (isObject(operation) && operation.operationId === operationId)
        return describeOperation(ajv, file, method, operation);
    }
  }
  throw new Error(`Market's vendored description has no operation ${operationId}`);
}

/** `$ref`s of parameters and responses point at files: follows one to its object and the file it is in. */
function deref(file: string, node: Yaml): { file: string; node: Yaml } {
  if (typeof node.$ref !== 'string') return { file, node };
  const target = posix.normalize(posix.join(posix.dirname(file), node.$ref));
  return { file: target, node: load(target) };
}

/**
 * A schema found inside an OpenAPI object of `file` (a parameter's, a response's): added under an id in the same
 * folder (`…/X.yaml?parameters.0`), so its relative `$ref`s resolve from that file.
 */
function schemaIn(ajv: Ajv, file: string, key: string, schema: unknown): ValidateFunction {
  const id = `${BASE}${file}?${key}`;
  if (!ajv.getSchema(id)) {
    if (!isObject(schema)) throw new Error(`no schema at ${file} ${key}`);
    ajv.addSchema({ ...schema, $id: id });
  }
  return ajv.getSchema(id) as ValidateFunction;
}

/** The `application/json` schema of a request body or response object. */
const jsonSchemaOf = (node: Yaml): unknown =>
  ((node.content as Yaml | undefined)?.['application/json'] as Yaml | undefined)?.schema;

function describeOperation(ajv: Ajv, file: string, method: string, operation: Yaml): MarketOperation {
  const parameters = ((operation.parameters ?? []) as Yaml[]).map((raw, index): MarketParameter => {
    const { file: at, node } = deref(file, raw);
    return {
      name: String(node.name),
      in: node.in as MarketParameter['in'],
      required: node.required === true,
      deprecated: node.deprecated === true,
      aliases: ((node['x-aliases'] ?? []) as string[]).filter((a) => a !== node.name),
      validate: schemaIn(ajv, at, at === file ? `${method}.parameters.${index}` : 'schema', node.schema),
    };
  });
  const pathParams = new Set(parameters.filter((p) => p.in === 'path').map((p) => p.name));
  const segments = posix
    .basename(file, '.yaml')
    .split('_')
    .map((s) => (pathParams.has(s) ? `{${s}}` : s));
  const responses = operation.responses as Record<string, Yaml>;
  const limits = (operation['x-resource-limit-config'] ?? {}) as Yaml;
  const hourly = isObject(limits.none) && limits.none.period === 'hours' ? Number(limits.none.amount) : undefined;
  return {
    operationId: String(operation.operationId),
    method: method.toUpperCase(),
    path: `/${segments.join('/')}`,
    parameters,
    requestBody: isObject(operation.requestBody)
      ? schemaIn(ajv, file, `${method}.requestBody`, jsonSchemaOf(operation.requestBody))
      : undefined,
    declaredStatuses: Object.keys(responses).map(Number),
    response(status: number): ValidateFunction {
      const declared = responses[String(status)];
      if (!declared) throw new Error(`Market declares no ${status} for ${String(operation.operationId)}`);
      const { file: at, node } = deref(file, declared);
      return schemaIn(ajv, at, at === file ? `${method}.responses.${status}` : 'content', jsonSchemaOf(node));
    },
    limits: {
      parallel: typeof limits['parallel-limit-value'] === 'number' ? limits['parallel-limit-value'] : undefined,
      perHour: hourly,
    },
  };
}

/**
 * Enums Market declares open: "other values may be returned, no need to process them" (OrderStatusType,
 * OrderSubstatusType). A value outside such an enum is Market's to send, so it is not a wrong notification.
 */
const OPEN_ENUM_NOTE = 'могут возвращаться другие значения';

function openEnumFiles(): string[] {
  return [...yamlFiles(`${PARTNER_API}/components/schemas`)].filter((file) => {
    const schema = load(file);
    return Array.isArray(schema.enum) && String(schema.description ?? '').includes(OPEN_ENUM_NOTE);
  });
}

function notificationsOf(ajv: Ajv): MarketNotifications {
  const open = openEnumFiles();
  const closedErrors = (errors: readonly ErrorObject[] | null | undefined): ErrorObject[] =>
    (errors ?? []).filter(
      (e) => !(e.keyword === 'enum' && open.some((file) => e.schemaPath.endsWith(`${posix.basename(file)}/enum`))),
    );
  const doc = load(NOTIFICATIONS_FILE);
  const schemas = (doc.components as Yaml).schemas as Record<string, Yaml>;
  const request = schemas.SendNotificationRequest;
  const mapping = (request.discriminator as { mapping: Record<string, string> }).mapping;
  const schemaAt = (ref: string): ValidateFunction =>
    ajv.getSchema(refTarget(NOTIFICATIONS_FILE, ref)) as ValidateFunction;
  const byType = new Map(
    Object.entries(mapping).map(([type, ref]) => [
      type,
      { dto: ref.split('/').pop() as string, validate: schemaAt(ref) },
    ]),
  );
  // The discriminator property alone: required and one of NotificationType. Which schema then applies is its mapping.
  const envelope = ajv.compile({
    type: 'object',
    required: ['notificationType'],
    properties: { notificationType: { $ref: `${BASE}${NOTIFICATIONS_FILE}#/components/schemas/NotificationType` } },
  });
  const operation = ((doc.paths as Yaml)['/notification'] as Yaml).post as Yaml;
  const examplesOf = (content: Yaml): Record<string, unknown>[] =>
    Object.values((content.examples ?? {}) as Record<string, Yaml>).map(
      (example) => example.value as Record<string, unknown>,
    );
  const requestContent = ((operation.requestBody as Yaml).content as Yaml)['application/json'] as Yaml;
  const okContent = ((operation.responses as Yaml)['200'] as Yaml).content as Yaml;
  return {
    types: [...byType.keys()],
    check(body: unknown): NotificationCheck {
      if (!envelope(body)) return { ok: false, problems: describeAjvErrors(envelope.errors) };
      const notificationType = (body as { notificationType: string }).notificationType;
      const target = byType.get(notificationType);
      if (!target) return { ok: false, problems: [`/notificationType ${notificationType} has no schema`] };
      const problems = target.validate(body) ? [] : closedErrors(target.validate.errors);
      if (problems.length > 0) return { ok: false, problems: describeAjvErrors(problems) };
      return { ok: true, notificationType, dto: target.dto };
    },
    response: schemaAt('#/components/schemas/SendNotificationResponse'),
    errorResponse: schemaAt('#/components/schemas/NotificationApiErrorResponse'),
    examples: [...byType].map(([notificationType, { dto }]) => ({
      dto,
      notificationType,
      body: schemas[dto].example as Record<string, unknown>,
    })),
    requestExamples: examplesOf(requestContent),
    responseExamples: examplesOf(okContent['application/json'] as Yaml),
  };
}

let loaded: MarketOpenApi | undefined;

/** Market's description, compiled once per process (the first call reads about a hundred small files). */
export function marketOpenApi(): MarketOpenApi {
  if (loaded) return loaded;
  const ajv = createAjv();
  const operations = new Map<string, MarketOperation>();
  const notifications = notificationsOf(ajv);
  loaded = {
    operation(operationId: string): MarketOperation {
      let operation = operations.get(operationId);
      if (!operation) {
        operation = partnerOperation(ajv, operationId);
        operations.set(operationId, operation);
      }
      return operation;
    },
    schema(name: string): ValidateFunction {
      const validate = ajv.getSchema(`${BASE}${PARTNER_API}/components/schemas/${name}.yaml`);
      if (!validate) throw new Error(`Market's vendored description has no schema ${name}`);
      return validate;
    },
    notifications,
  };
  return loaded;
}
