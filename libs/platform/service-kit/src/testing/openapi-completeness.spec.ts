import { completeDocument } from '../http/openapi-document';
import { openApiGaps } from './openapi-completeness';

const documented = () => ({
  openapi: '3.0.0',
  security: [{ bearer: [] }, { 'api-key': [] }],
  paths: {
    '/orders/{id}': {
      get: {
        operationId: 'getOrder',
        summary: 'One order',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: {
            description: 'the order',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } },
          },
        },
      },
    },
    '/health': {
      get: {
        operationId: 'health',
        summary: 'Readiness',
        'x-public': true,
        responses: {
          200: {
            description: 'up',
            content: {
              'application/json': {
                schema: { type: 'object', properties: { status: { type: 'string', example: 'ok' } } },
              },
            },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Order: { type: 'object', properties: { id: { type: 'string', example: '1' }, amount: { type: 'integer' } } },
    },
  },
});

describe('the OpenAPI document every service publishes', () => {
  it("marks public routes `security: []`, drops the mark, and lists the kit's error answers", () => {
    const document = completeDocument(documented()) as ReturnType<typeof documented>;
    const health = document.paths['/health'].get as Record<string, unknown>;
    expect(health.security).toEqual([]);
    expect(health['x-public']).toBeUndefined();
    expect(Object.keys(health.responses as object).sort()).toEqual(['200', '503']);
    expect(Object.keys(document.paths['/orders/{id}'].get.responses).sort()).toEqual([
      '200',
      '401',
      '403',
      '404',
      '422',
      '503',
    ]);
    expect(openApiGaps(document)).toEqual([]);
  });

  it('names each gap a generated client would trip on', () => {
    const document = documented() as Record<string, any>;
    document.security = [];
    delete document.paths['/orders/{id}'].get.summary;
    document.paths['/orders/{id}'].get.responses = { 200: { description: 'the order' } };
    document.components.schemas.Order.properties.name = { type: 'object' };
    document.components.schemas.Order.properties.tags = { type: 'array' };
    document.paths['/orders/{id}'].post = {
      operationId: 'change',
      summary: 'Change',
      responses: { 204: { description: 'done' }, 422: { description: 'bad' } },
      requestBody: {
        content: { 'application/json': { schema: { type: 'object', properties: { note: { type: 'string' } } } } },
      },
    };
    expect(openApiGaps(document)).toEqual(
      expect.arrayContaining([
        { where: '#/components/schemas/Order.name', gap: 'object without properties' },
        { where: '#/components/schemas/Order.tags', gap: 'array without items' },
        { where: 'GET /orders/{id}', gap: 'no summary' },
        { where: 'GET /orders/{id}', gap: '200 answer has no content schema' },
        { where: 'GET /orders/{id}', gap: 'no error answers' },
        { where: 'GET /orders/{id}', gap: 'no security' },
        { where: 'POST /orders/{id}', gap: 'request application/json has no example' },
        { where: 'POST /orders/{id}', gap: '422 answer is not ErrorEnvelope (no schema)' },
      ]),
    );
  });

  it('wants typed parameters, an example of each answer, and errors in the body the route answers with', () => {
    const document = completeDocument(documented(), [
      { paths: /^\/orders\//, schemaName: 'VendorError', schema: { type: 'object', properties: { e: { type: 'string' } } } },
    ]) as Record<string, any>;
    const get = document.paths['/orders/{id}'].get;
    get.parameters.push({ name: 'q', in: 'query', schema: {} });
    document.components.schemas.Order.properties.id = { type: 'string' };
    expect(get.responses['404'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/VendorError' });
    expect(openApiGaps(document)).toEqual([
      { where: 'GET /orders/{id}', gap: '200 application/json has no example' },
      ...['401', '403', '404', '422'].map((status) => ({
        where: 'GET /orders/{id}', gap: `${status} answer is not ErrorEnvelope (VendorError)`,
      })),
      { where: 'GET /orders/{id} parameter query q', gap: 'schema has no type' },
    ]);
    expect(openApiGaps(document, { errorSchemas: () => ['VendorError'] })).toHaveLength(2);
  });
});
