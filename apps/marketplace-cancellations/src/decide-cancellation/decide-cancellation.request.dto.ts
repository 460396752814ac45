import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REJECTION_REASONS } from '@orders/cancellations-domain';
import { IsBoolean, IsDefined, IsIn, IsOptional } from 'class-validator';

/** Market's AcceptOrderCancellationRequest. */
export class CancellationDecisionRequest {
  @ApiProperty({ description: 'true: cancel the order (the delivery service learned in time); false: the buyer keeps it' })
  @IsDefined() @IsBoolean()
  accepted!: boolean;

  @ApiPropertyOptional({ enum: REJECTION_REASONS, description: 'required when accepted=false; tolerated and ignored when true' })
  @IsOptional() @IsIn(REJECTION_REASONS)
  reason?: (typeof REJECTION_REASONS)[number];
}
