import { Injectable } from '@nestjs/common';

/**
 * Every service's only source of "now" for command time: injected (the kit provides the system clock), so specs
 * and benchmarks move time instead of waiting for it, and app code never calls `new Date()` for a command.
 */
export abstract class Clock {
  abstract now(): Date;
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that moves only when told: for specs and benchmarks. */
export class ManualClock extends Clock {
  constructor(private current: Date) {
    super();
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(at: Date | string): void {
    this.current = new Date(at);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
