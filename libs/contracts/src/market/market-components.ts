import { posix } from 'node:path';
import { load, NOTIFICATIONS_FILE, PARTNER_API, yamlFiles, type Yaml } from './market-files';

/*
 * Market's description as parts of another OpenAPI document: a façade of Market (the shop-side routes) publishes
 * Market's own schemas, parameters and answers, not a paraphrase. Market's files `$ref` each other by file name
 * (`./OrderDTO.yaml`); here every schema is a component named as its file, and each reference points at it.
 */

const isObject = (value: unknown): value is Yaml =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SCHEMA_FILE = /(?:^|\/)([A-Za-z0-9_]+)\.yaml$/;

/** The node with every `$ref` to a schema file rewritten to `#/components/schemas/<file name>`. */
function localRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(localRefs);
  if (!isObject(node)) return node;
  const out: Yaml = {};
  for (const [key, value] of Object.entries(node)) {
    const file = key === '$ref' && typeof value === 'string' ? SCHEMA_FILE.exec(value) : null;
    out[key] = file ? `#/components/schemas/${file[1]}` : localRefs(value);
  }
  return out;
}

let components: Readonly<Record<string, Yaml>> | undefined;

/**
 * Every schema of the vendored Partner API (`OrderDTO`, `GetOrdersResponse`, `ApiErrorResponse`, ...) and the
 * notification schemas (`SendNotificationResponse`, `NotificationApiErrorResponse`, ...), ready to be merged into
 * a document's `components.schemas`.
 */
export function marketComponents(): Readonly<Record<string, Yaml>> {
  if (components) return components;
  const found: Record<string, Yaml> = {};
  for (const file of yamlFiles(`${PARTNER_API}/components/schemas`))
    found[posix.basename(file, '.yaml')] = localRefs(load(file)) as Yaml;
  const notifications = (load(NOTIFICATIONS_FILE).components as Yaml).schemas as Record<string, Yaml>;
  for (const [name, schema] of Object.entries(notifications)) found[name] ??= localRefs(schema) as Yaml;
  components = found;
  return found;
}

/** An OpenAPI object one file points at (a parameter's, a response's file), followed to what it holds. */
function followed(file: string, node: Yaml): Yaml {
  if (typeof node.$ref !== 'string' || !node.$ref.includes('/components/')) return node;
  const target = posix.normalize(posix.join(posix.dirname(file), node.$ref));
  return target.includes('/components/schemas/') ? node : load(target);
}

/** What a Market operation declares, as parts of an OpenAPI operation: parameters, request body and answers. */
export interface MarketOperationObject {
  readonly parameters: readonly Yaml[];
  readonly requestBody?: Yaml;
  readonly responses: Readonly<Record<string, Yaml>>;
}

/** Market's `operationId` (`getOrders`), with its parameters and answers inlined and its schemas as components. */
export function marketOperationObject(operationId: string): MarketOperationObject {
  for (const file of yamlFiles(`${PARTNER_API}/paths`)) {
    for (const operation of Object.values(load(file))) {
      if (!isObject(operation) || operation.operationId !== operationId) continue;
      const parameters = ((operation.parameters ?? []) as Yaml[]).map((p) => localRefs(followed(file, p)) as Yaml);
      const responses = Object.fromEntries(
        Object.entries(operation.responses as Record<string, Yaml>).map(([status, answer]) => [
          status,
          localRefs(followed(file, answer)) as Yaml,
        ]),
      );
      const requestBody = isObject(operation.requestBody) ? (localRefs(operation.requestBody) as Yaml) : undefined;
      return { parameters, responses, ...(requestBody ? { requestBody } : {}) };
    }
  }
  throw new Error(`Market's vendored description has no operation ${operationId}`);
}
