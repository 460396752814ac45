import { Body, Controller, Get, HttpCode, Module, Param, Post, Type } from '@nestjs/common';
import { DomainError } from '@orders/decider-kit';
import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { NotFoundAs } from '../errors/not-found';
import { CommandContext } from '../http/command-context';
import { ID_FORMATS, PathId } from '../http/path-ids';

class ProbeDecision {
  @IsIn(['ACCEPT', 'REJECT'])
  decision!: string;

  @IsString() @MaxLength(20)
  reason!: string;

  @IsInt() @Min(1) @Max(10)
  attempts!: number;
}

class ProbeDomainError extends DomainError {
  constructor(code: string) {
    super(code, `probe raised ${code}`);
  }
}

/** Routes that exercise the kit's guard, pipe and filter inside a real shell; mounted by specs only. */
@Controller('__probe')
class ProbeController {
  @Post('decisions')
  @HttpCode(200)
  decide(@Body() body: ProbeDecision): { status: 'OK'; decision: string } {
    return { status: 'OK', decision: body.decision };
  }

  @Get('domain-errors/:code')
  raise(@Param('code') code: string): never {
    throw new ProbeDomainError(code);
  }

  /** A resource by id: every well-formed id is missing (the domain's own not-found code), the others wrong. */
  @Get('things/:thing_id')
  @NotFoundAs('thing', 'thing_id')
  thing(@PathId('thing_id', 'thing', ID_FORMATS.uuid) id: string): never {
    throw new ProbeDomainError(id === id.toLowerCase() ? 'THING_NOT_FOUND' : 'NOT_NORMALISED');
  }

  @Post('commands')
  @HttpCode(200)
  command(@CommandContext() command: CommandContext): Omit<CommandContext, 'now' | 'principal'> & { now: string } {
    const { principal: _principal, now, ...rest } = command;
    return { ...rest, now: now.toISOString() };
  }

  @Get('crash')
  crash(): never {
    throw new TypeError('secret detail that must not reach the client');
  }

  /** A library error with an upper-case code (Node's, say) is a bug, not a domain error. */
  @Get('coded-crash')
  codedCrash(): never {
    throw Object.assign(new TypeError('Invalid character in header content'), { code: 'ERR_INVALID_CHAR' });
  }
}

/** The real app module plus the probe routes. */
export function withProbe(appModule: Type<unknown>): Type<unknown> {
  @Module({ imports: [appModule], controllers: [ProbeController] })
  class ProbedAppModule {}
  return ProbedAppModule;
}
