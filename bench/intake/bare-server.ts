// The baseline of `submit_http`: the least a NestJS endpoint can do to accept an order, one raw INSERT of the body.
// No validation, no event store, no personal-data vault, no read model: what ours is measured against.
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 20 });

@Controller('orders')
class BareOrdersController {
  @Post()
  @HttpCode(201)
  async submit(@Body() body: Record<string, unknown>): Promise<{ orderId: string }> {
    const orderId = randomUUID();
    await pool.query('INSERT INTO bare_orders (order_id, body) VALUES ($1, $2)', [orderId, body]);
    return { orderId };
  }
}

@Module({ controllers: [BareOrdersController] })
class BareModule {}

async function main(): Promise<void> {
  await pool.query('CREATE TABLE IF NOT EXISTS bare_orders (order_id uuid PRIMARY KEY, body jsonb NOT NULL)');
  const app = await NestFactory.create(BareModule, { logger: false });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.once('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
}

void main();
