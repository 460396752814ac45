import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from '../http-types';
import { CONSOLE_SETTINGS, type ConsoleSettings } from '../config/console-settings';
import { UpstreamClient } from '../bff/upstream.client';
import { SESSION_COOKIE, Sessions, cookieValue, type Operator } from './sessions';

/** Sign-in with an API key: the services say whose key it is (`GET /me`); the browser gets a session cookie. */
@Controller('api/session')
export class SessionController {
  constructor(
    private readonly sessions: Sessions,
    private readonly upstream: UpstreamClient,
    @Inject(CONSOLE_SETTINGS) private readonly settings: ConsoleSettings,
  ) {}

  @Post()
  @HttpCode(200)
  async signIn(@Body() body: { apiKey?: unknown }, @Res({ passthrough: true }) res: Response): Promise<Operator | object> {
    const apiKey = typeof body?.apiKey === 'string' ? body.apiKey.trim() : '';
    if (!apiKey) return this.refuse(res, 400, 'REQUIRED_FIELD', 'type your API key');
    let answer: globalThis.Response;
    try {
      answer = await this.upstream.call({ upstream: 'intake', path: '/me', apiKey });
    } catch {
      return this.refuse(res, 502, 'UPSTREAM_UNAVAILABLE', 'intake does not answer: try again in a moment');
    }
    if (answer.status === 401 || answer.status === 403) return this.refuse(res, 401, 'UNAUTHORIZED', 'this API key is not known');
    if (!answer.ok) return this.refuse(res, 502, 'UPSTREAM_ERROR', `intake answered ${answer.status}`);
    const operator = (await answer.json()) as Operator;
    const token = this.sessions.open(apiKey, operator);
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true, sameSite: 'strict', secure: this.settings.secureCookies, path: '/', maxAge: this.settings.sessionIdleMs,
    });
    return operator;
  }

  @Get()
  current(@Req() req: Request, @Res({ passthrough: true }) res: Response): Operator | object {
    const session = this.sessions.find(cookieValue(req.headers.cookie, SESSION_COOKIE));
    return session ? session.operator : this.refuse(res, 401, 'UNAUTHORIZED', 'not signed in');
  }

  @Delete()
  @HttpCode(204)
  signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): void {
    this.sessions.close(cookieValue(req.headers.cookie, SESSION_COOKIE));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  private refuse(res: Response, status: number, code: string, message: string): object {
    res.status(status);
    return { errors: [{ code, message }] };
  }
}
