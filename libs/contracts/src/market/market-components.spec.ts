import Ajv from 'ajv';
import { marketComponents, marketOperationObject } from './market-components';
import { marketOpenApi } from './market-openapi';

const refs = (node: unknown): string[] =>
  Array.isArray(node)
    ? node.flatMap(refs)
    : typeof node === 'object' && node !== null
      ? Object.entries(node).flatMap(([key, value]) => (key === '$ref' ? [String(value)] : refs(value)))
      : [];

describe("Market's description as parts of our OpenAPI document", () => {
  const components = marketComponents();
  const operations = ['getOrders', 'getOrder', 'acceptOrderCancellation'].map(marketOperationObject);

  it('names every schema as its file, and every reference points at one of them', () => {
    expect(Object.keys(components)).toEqual(
      expect.arrayContaining(['GetOrdersResponse', 'OrderDTO', 'ApiErrorResponse']),
    );
    const dangling = refs([components, operations]).filter(
      (ref) => !ref.startsWith('#/components/schemas/') || !((ref.split('/').pop() ?? '') in components),
    );
    expect(dangling).toEqual([]);
  });

  it("judges an answer as Market's own validators do", () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const ok = operations[2]?.responses['200'] as { content: { 'application/json': { schema: unknown } } };
    const validate = ajv.compile({
      allOf: [ok.content['application/json'].schema],
      components: { schemas: components },
    });
    const market = marketOpenApi().operation('acceptOrderCancellation').response(200);
    for (const body of [{ status: 'OK' }, { status: 'NOPE' }, {}]) expect(validate(body)).toBe(market(body));
    expect(operations[0]?.parameters.map((p) => p.name)).toEqual(
      marketOpenApi()
        .operation('getOrders')
        .parameters.map((p) => p.name),
    );
  });
});
