import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Scope } from '../config/service-config';
import type { Principal } from './api-keys';
import { CurrentPrincipal } from './current-principal.decorator';

/** What `GET /me` answers: who the key belongs to here, and what it may do. */
export interface PrincipalView {
  readonly principal: string;
  readonly tenants: '*' | readonly string[];
  readonly scopes: readonly Scope[];
  /** Without `write` the key may look but not act: a console offers it no action. */
  readonly readOnly: boolean;
}

/**
 * Every service answers who a key is, so a client (the operators' console) learns a principal's tenants and scopes
 * from the service itself instead of guessing from a 403 after the click.
 */
@ApiTags('auth')
@ApiSecurity('api-key')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'The principal of the presented API key: tenants, scopes, read-only' })
  @ApiOkResponse({
    description: 'the principal of the key',
    schema: {
      type: 'object', required: ['principal', 'tenants', 'scopes', 'readOnly'],
      properties: {
        principal: { type: 'string', example: 'desk-a' },
        tenants: { oneOf: [{ type: 'string', enum: ['*'] }, { type: 'array', items: { type: 'string' } }], example: ['company-a'] },
        scopes: { type: 'array', items: { type: 'string', enum: ['read', 'write', 'operate'] } },
        readOnly: { type: 'boolean' },
      },
    },
  })
  @ApiResponse({ status: 401, description: 'no API key, or one we do not know' })
  me(@CurrentPrincipal() principal: Principal): PrincipalView {
    return {
      principal: principal.id,
      tenants: principal.tenants,
      scopes: principal.scopes,
      readOnly: !principal.scopes.includes('write'),
    };
  }
}
