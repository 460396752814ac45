import { ApiProperty } from '@nestjs/swagger';
import { DELIVERY_STATUSES } from '@orders/delivery-domain';
import { TimeWindowDto } from '../deliveries/order.response.dto';
import { idSchema } from '../deliveries/reference-ids';

// The settings, depot and route answers, for the OpenAPI document (ids as Track & Trace shows them).

export class CompanySettingsAnswerDto {
  @ApiProperty({ ...idSchema, example: 105 }) company_id!: number | string;
  @ApiProperty({ example: false }) mark_delivered_enabled!: boolean;
  @ApiProperty({ type: 'number', example: 500 }) mark_delivered_radius!: number;
  @ApiProperty({ type: 'number', example: 0.5 }) mark_delivered_service_time_coefficient!: number;
  @ApiProperty({ example: false }) partially_finished_status_enabled!: boolean;
  @ApiProperty({ example: 'Europe/Moscow' }) time_zone!: string;
}

export class DepotAnswerDto {
  @ApiProperty({ ...idSchema, example: 105 }) company_id!: number | string;
  @ApiProperty({ ...idSchema, example: 12 }) depot_id!: number | string;
  @ApiProperty({ type: 'string', nullable: true, example: 'Central kitchen' }) name!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'Asia/Almaty' }) time_zone!: string | null;
  @ApiProperty({ type: 'number', nullable: true, example: 300 }) mark_delivered_radius!: number | null;
}

export class RouteAnswerDto {
  @ApiProperty({ ...idSchema, example: 7 }) route_id!: number | string;
  @ApiProperty({ ...idSchema, example: 105 }) company_id!: number | string;
  @ApiProperty({ ...idSchema, example: 3 }) courier_id!: number | string;
  @ApiProperty({ ...idSchema, nullable: true, example: 12 }) depot_id!: number | string | null;
  @ApiProperty({ format: 'date', example: '2026-03-02' }) date!: string;
}

export class RouteDeliveryDto {
  @ApiProperty({ type: 'integer', example: 1 }) id!: number;
  @ApiProperty({ format: 'uuid' }) delivery_id!: string;
  @ApiProperty({ example: 'N-1024' }) number!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'new' }) status!: string;
  @ApiProperty({ type: TimeWindowDto }) time_window!: TimeWindowDto;
}

export class CourierRouteDto extends RouteAnswerDto {
  @ApiProperty({ type: [RouteDeliveryDto], description: 'In window order' }) deliveries!: RouteDeliveryDto[];
}
