import { ApiProperty } from '@nestjs/swagger';
import { ORDER_STATUSES, type OrderStatus } from '@orders/ordering-domain';

/** The answer of submit and of every operator action: where the order is now. */
export class OrderOutcomeResponseDto {
  @ApiProperty({ format: 'uuid', example: '0190f5d2-0000-7000-8000-000000000001' })
  orderId!: string;

  @ApiProperty({
    enum: ORDER_STATUSES,
    example: 'AWAITING',
    description:
      'Carbis: AWAITING «Ожидает», CREATED «Создан», ACCEPTED «Принят», ON_WAY «В пути», ARCHIVED «Архив», ' +
      'DELETED «Удален»; CANCELLED by the marketplace. The list filter takes the same values.',
  })
  status!: OrderStatus;

  @ApiProperty({ description: 'The stream version, as in the ETag header', minimum: 1, example: 1 })
  version!: number;
}
