import { Injectable } from '@nestjs/common';

/**
 * The platform's one source of "now" at the edge: injected, so a spec can provide a clock it moves itself instead
 * of waiting for time to pass.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
