import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { marketOperationObject } from '@orders/contracts';

type Yaml = Record<string, unknown>;

/**
 * Documents a Market-shaped route as Market's description does: its operationId, every parameter, the request body
 * and each answer with Market's own schemas (served as components: ServiceKitOptions.openApiSchemas), so a client
 * generated from Market's description and one generated from ours are the same client.
 */
export function MarketOperation(
  operationId: string,
  summary: string,
  more: { description?: string; requestExample?: unknown; answerExample?: unknown } = {},
): MethodDecorator {
  const market = marketOperationObject(operationId);
  const parameters = market.parameters.map((p) => {
    const options = {
      name: String(p.name),
      required: p.required === true,
      schema: p.schema as Yaml,
      ...(typeof p.description === 'string' ? { description: p.description } : {}),
    };
    return p.in === 'path' ? ApiParam(options) : ApiQuery(options);
  });
  const body = (market.requestBody?.content as Yaml | undefined)?.['application/json'] as Yaml | undefined;
  return applyDecorators(
    ApiOperation({ operationId, summary, ...(more.description ? { description: more.description } : {}) }),
    ...parameters,
    ...(body ? [ApiBody({ required: true, schema: body.schema as Yaml, ...examples(more.requestExample) })] : []),
    ...Object.entries(market.responses).map(([status, answer]) => {
      const content = (answer.content ?? {}) as Record<string, Yaml>;
      const json = content['application/json'];
      // Market's examples are on its schemas; one of our own stands beside where an answer has none.
      const withExample =
        status === '200' && json && more.answerExample !== undefined
          ? { ...content, 'application/json': { ...json, example: more.answerExample } }
          : content;
      return ApiResponse({
        status: Number(status),
        description: String(answer.description ?? ''),
        content: withExample,
      });
    }),
  );
}

const examples = (value: unknown) => (value === undefined ? {} : { examples: { example: { value } } });

/** The error bodies Market's answers use: a Market-shaped route documents one of these, never our envelope. */
export const MARKET_ERROR_SCHEMAS = [
  'ApiErrorResponse',
  'ApiClientDataErrorResponse',
  'ApiUnauthorizedErrorResponse',
  'ApiForbiddenErrorResponse',
  'ApiNotFoundErrorResponse',
  'ApiLimitErrorResponse',
  'ApiServerErrorResponse',
] as const;
