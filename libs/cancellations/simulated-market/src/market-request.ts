import { describeAjvErrors, type MarketOperation } from '@orders/contracts';

/** One request as the simulator took it: what it was, and whether Market's description allows it. */
export interface ReceivedRequest {
  readonly at: string;
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly campaignId?: number;
  readonly orderId?: number;
  readonly query: Readonly<Record<string, string[]>>;
  readonly body?: unknown;
  /** Problems found against Market's parameter and body schemas; empty for a valid request. */
  readonly problems: readonly string[];
  /** The status the simulator answered. */
  status: number;
}

/**
 * A query value as text, typed as Market's schema wants it. A query string carries no types, so the candidates a
 * client generated from the description could have written (text, number, boolean, array repeated or
 * comma-separated) are tried; the value is valid when one of them is.
 */
function typedCandidates(values: readonly string[]): unknown[] {
  const scalar = (text: string): unknown[] => {
    const out: unknown[] = [text];
    if (/^-?\d+(\.\d+)?$/.test(text)) out.push(Number(text));
    if (text === 'true' || text === 'false') out.push(text === 'true');
    return out;
  };
  const items = values.flatMap((v) => v.split(','));
  const arrays = [items, items.map(Number), items.map((i) => i === 'true')];
  return values.length === 1 ? [...scalar(values[0]), ...arrays] : arrays;
}

/** Path parameters, query and body held against the operation's schemas; one line per problem. */
export function checkRequest(
  operation: MarketOperation,
  pathParams: Readonly<Record<string, string>>,
  query: Readonly<Record<string, string[]>>,
  body: unknown,
): string[] {
  const problems: string[] = [];
  for (const parameter of operation.parameters) {
    if (parameter.in === 'path') {
      const raw = pathParams[parameter.name];
      const value = /^-?\d+$/.test(raw ?? '') ? Number(raw) : raw;
      if (!parameter.validate(value)) problems.push(`path ${parameter.name}: ${describeAjvErrors(parameter.validate.errors)}`);
    }
    if (parameter.in === 'query' && parameter.required && ![parameter.name, ...parameter.aliases].some((n) => n in query))
      problems.push(`query ${parameter.name} is required`);
  }
  for (const [name, values] of Object.entries(query)) {
    const parameter = operation.parameters.find((p) => p.in === 'query' && (p.name === name || p.aliases.includes(name)));
    if (!parameter) problems.push(`query ${name} is not a parameter of ${operation.operationId}`);
    else if (!typedCandidates(values).some((candidate) => parameter.validate(candidate)))
      problems.push(`query ${name}=${values.join(',')}: ${describeAjvErrors(parameter.validate.errors).join('; ')}`);
  }
  if (operation.requestBody) {
    if (body === undefined) problems.push('body is required');
    else if (!operation.requestBody(body)) problems.push(...describeAjvErrors(operation.requestBody.errors).map((p) => `body ${p}`));
  } else if (body !== undefined) {
    problems.push(`${operation.operationId} takes no body`);
  }
  return problems;
}
