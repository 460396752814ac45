import { Module } from '@nestjs/common';
import { BffController } from './bff/bff.http.controller';
import { UpstreamClient } from './bff/upstream.client';
import { CONSOLE_SETTINGS, readConsoleSettings, type ConsoleSettings } from './config/console-settings';
import { UI_BUNDLE } from './console.tokens';
import { SessionController } from './session/session.http.controller';
import { Sessions } from './session/sessions';
import { buildUi } from './ui/ui-bundle';
import { UiController } from './ui/ui.http.controller';

@Module({
  // The session routes come before the catch-all `/api/*` of the BFF.
  controllers: [UiController, SessionController, BffController],
  providers: [
    { provide: CONSOLE_SETTINGS, useFactory: () => readConsoleSettings() },
    { provide: UI_BUNDLE, useFactory: buildUi },
    { provide: Sessions, inject: [CONSOLE_SETTINGS], useFactory: (s: ConsoleSettings) => new Sessions(s.sessionIdleMs) },
    UpstreamClient,
  ],
})
export class ConsoleModule {}
