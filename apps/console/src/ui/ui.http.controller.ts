import { Controller, Get, Header, Inject } from '@nestjs/common';
import { UI_BUNDLE } from '../console.tokens';
import type { UiBundle } from './ui-bundle';

// The page loads its own script and style and nothing else: no inline code, no other origin.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
  + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The single page; the pages inside it are client-side routes (`#/board`, `#/audit/<id>`). */
@Controller()
export class UiController {
  constructor(@Inject(UI_BUNDLE) private readonly bundle: UiBundle) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CSP)
  @Header('Cache-Control', 'no-cache')
  index(): string {
    return this.bundle.html;
  }

  @Get('console.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  script(): string {
    return this.bundle.script;
  }

  @Get('console.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  style(): string {
    return this.bundle.style;
  }

  // /health/live as the services answer it: the image's health check (Dockerfile) probes that path.
  @Get(['health', 'health/live'])
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
