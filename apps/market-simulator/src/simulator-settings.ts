/** What the runnable simulator reads from its environment (its only reader). */
export interface SimulatorSettings {
  readonly port: number;
  readonly host: string;
  /** Campaign id → the shop's Api-Key (the same MARKET_CAMPAIGNS JSON the connector reads, `{"21":{"apiKey":…}}`). */
  readonly campaigns: Record<string, string>;
  readonly notificationUrl: string;
  readonly latencyMs: number;
}

function campaignsOf(text: string): Record<string, string> {
  const parsed = JSON.parse(text) as Record<string, { apiKey?: unknown }>;
  const keys: Record<string, string> = {};
  for (const [campaignId, campaign] of Object.entries(parsed)) {
    if (!/^[1-9]\d*$/.test(campaignId) || typeof campaign?.apiKey !== 'string')
      throw new Error(`MARKET_CAMPAIGNS: campaign ${campaignId} needs a positive id and an apiKey`);
    keys[campaignId] = campaign.apiKey;
  }
  return keys;
}

/** The simulator is no service of the kit (a dev tool): this is its one reader of the environment. */
export function simulatorSettings(env: NodeJS.ProcessEnv = process.env): SimulatorSettings {
  return {
    port: Number(env.MARKET_SIMULATOR_PORT ?? env.PORT ?? 3900),
    host: env.MARKET_SIMULATOR_HOST ?? '127.0.0.1',
    campaigns: campaignsOf(env.MARKET_CAMPAIGNS ?? '{}'),
    notificationUrl: env.MARKET_NOTIFICATION_URL ?? 'http://127.0.0.1:3003/notification',
    latencyMs: Number(env.MARKET_SIMULATOR_LATENCY_MS ?? 0),
  };
}
