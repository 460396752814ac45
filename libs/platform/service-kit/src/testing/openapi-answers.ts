import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * OpenAPI 3.0 as JSON Schema, which is what ajv reads: the boolean `exclusiveMinimum`/`exclusiveMaximum` (draft 4)
 * as numbers, and `nullable` beside a composition (`{nullable, allOf: [{$ref}]}`, how @nestjs/swagger writes a
 * nullable DTO) as "null, or the composition": what 3.0.0 meant and generated clients read.
 */
function asJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asJsonSchema);
  if (!isObject(node)) return node;
  const out: Json = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, asJsonSchema(value)]));
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[exclusive] !== 'boolean') continue;
    if (out[exclusive] === true && typeof out[bound] === 'number') {
      out[exclusive] = out[bound];
      delete out[bound];
    } else delete out[exclusive];
  }
  if (out.nullable === true && ['allOf', 'oneOf', 'anyOf', '$ref'].some((key) => key in out)) {
    const { nullable: _nullable, type: _type, ...rest } = out;
    return { anyOf: [{ type: 'null' }, rest] };
  }
  return out;
}

/** A real answer, as supertest gives it: enough to find the documented schema and hold the body against it. */
export interface RealAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Holds real answers against the schemas a served OpenAPI document declares for them, so the document cannot drift
 * from what the service says. OpenAPI 3.0 keywords JSON Schema lacks (`example`, `x-*`) are ignored (strict: false);
 * `nullable` is ajv's own; the numeric formats OpenAPI names are checked for what they promise.
 */
export class DocumentedAnswers {
  // A vendor's own formats (Market's `date-dd-MM-yyyy`) are not judged here, silently: its routes' answers are held
  // against the vendor's validators too (see marketplace's spec).
  private readonly ajv = new Ajv({ allErrors: true, strict: false, logger: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  /** How many answers were held against the document, and the problems found (one line each). */
  checked = 0;
  readonly problems: string[] = [];

  private readonly document: Json;

  constructor(document: Json) {
    this.document = asJsonSchema(document) as Json;
    addFormats(this.ajv);
    this.ajv.addFormat('int32', {
      type: 'number',
      validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
    });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
    this.ajv.addFormat('float', { type: 'number', validate: () => true });
    this.ajv.addFormat('double', { type: 'number', validate: () => true });
  }

  /**
   * Checks one answer of `METHOD /path/{template}` against the schema documented for its status; an undocumented
   * status, or a JSON body where none is documented, is a problem too. Returns the answer for chaining.
   */
  check<T extends RealAnswer>(method: string, template: string, answer: T): T {
    this.checked += 1;
    const where = `${method.toUpperCase()} ${template} ${answer.status}`;
    const paths = isObject(this.document.paths) ? this.document.paths : {};
    const operation = isObject(paths[template]) ? (paths[template] as Json)[method.toLowerCase()] : undefined;
    if (!isObject(operation)) {
      this.problems.push(`${where}: no such operation in the document`);
      return answer;
    }
    const responses = isObject(operation.responses) ? operation.responses : {};
    const documented = responses[String(answer.status)] ?? responses[`${String(answer.status)[0]}XX`];
    if (!isObject(documented)) {
      this.problems.push(`${where}: status not documented (${JSON.stringify(answer.body).slice(0, 200)})`);
      return answer;
    }
    const content = isObject(documented.content) ? documented.content : {};
    const type =
      String(answer.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim() ?? '';
    if (answer.status === 204 || type === '') return answer;
    const media = content[type];
    if (!isObject(media) || !isObject(media.schema)) {
      this.problems.push(
        `${where}: ${type} answer, but the document declares ${Object.keys(content).join(', ') || 'no body'}`,
      );
      return answer;
    }
    if (type !== 'application/json') return answer;
    const validate = this.validator(`${where}`, media.schema);
    if (!validate(answer.body)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? e.keyword}`);
      this.problems.push(`${where}: ${errors.join('; ')} in ${JSON.stringify(answer.body).slice(0, 300)}`);
    }
    return answer;
  }

  /** The schema, with the document's components beside it so that its `#/components/...` references resolve. */
  private validator(key: string, schema: Json): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile({ allOf: [schema], components: this.document.components ?? {} });
      this.compiled.set(key, validate);
    }
    return validate;
  }
}
