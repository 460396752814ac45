import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import {
  CommandContext, Documented, NoStore, NotFoundAs, RequestValidationError, fieldErrors,
} from '@orders/service-kit';
import { CompanyId } from '../../shared/path-ids';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { assertCompany } from '../../shared/tenancy';
import { CreateOrderDto } from '../create-order/create-order.request.dto';
import { BatchUpsertOrders } from './batch-upsert';

const MAX_BATCH_ORDERS = 1000;

/**
 * The batch body is an array, which the global pipe does not validate: each item is checked, and transformed, as a
 * create body (Track & Trace's integer ids become the strings we store, as on a single create).
 */
function validBatch(body: unknown): Record<string, unknown>[] {
  if (!Array.isArray(body))
    throw new RequestValidationError([
      { code: 'INVALID_TYPE', field: 'body', message: 'the body must be a JSON array of orders' },
    ]);
  if (body.length > MAX_BATCH_ORDERS)
    throw new RequestValidationError([
      { code: 'FIELD_TOO_LONG', field: 'body', message: `at most ${MAX_BATCH_ORDERS} orders per batch` },
    ]);
  const isObject = (item: unknown): item is object => typeof item === 'object' && item !== null && !Array.isArray(item);
  const items = body.map((item) => (isObject(item) ? plainToInstance(CreateOrderDto, item) : item));
  const errors = items.flatMap((item, index) => {
    if (!(item instanceof CreateOrderDto))
      return [{ code: 'INVALID_TYPE', field: `[${index}]`, message: 'each order must be an object' }];
    const found = validateSync(item, { whitelist: true, forbidNonWhitelisted: true });
    return fieldErrors(found).map((error) => ({ ...error, field: `[${index}].${error.field}` }));
  });
  if (errors.length > 0) throw new RequestValidationError(errors);
  return items as unknown as Record<string, unknown>[];
}

/** Track & Trace batch upsert (D-YC-BATCH): `POST /api/v1/companies/{company_id}/orders-batch`. */
@ApiTags('orders')
// Orders carry the recipient's name, phone and address: no cache may keep a copy of any answer.
@NoStore()
@NotFoundAs('delivery', 'order_id')
@Controller('api/v1/companies/:company_id')
export class BatchUpsertOrdersController {
  constructor(private readonly orders: BatchUpsertOrders) {}

  /** Upsert by number; the body is a JSON array of orders, as Track & Trace takes it. */
  @Post('orders-batch')
  @HttpCode(200)
  @ApiBody({ type: [CreateOrderDto] })
  @Documented({
    summary: 'Create or update orders by number, all or none',
    schema: {
      type: 'object', required: ['inserted', 'updated'],
      properties: { inserted: { type: 'integer', minimum: 0 }, updated: { type: 'integer', minimum: 0 } },
    },
    example: { inserted: 2, updated: 1 },
  })
  async batch(
    @CompanyId() companyId: string,
    @Body() body: unknown,
    @CommandContext() command: CommandContext,
  ): Promise<{ inserted: number; updated: number }> {
    assertCompany(command.principal, companyId);
    return this.orders.batch(companyId, validBatch(body), command);
  }
}
