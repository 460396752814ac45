import { SimulatedMarket } from '@orders/simulated-market';
import { simulatorSettings } from './simulator-settings';

// The embedded default Market of `npm start`: the simulator library on a port, nothing more. The connector reaches
// it through MARKET_API_URL; pointing that at Market's real API is the only change for production.
async function main(): Promise<void> {
  const settings = simulatorSettings();
  const market = new SimulatedMarket({
    campaigns: settings.campaigns,
    notificationUrl: settings.notificationUrl,
    latencyMs: settings.latencyMs,
  });
  const url = await market.listen(settings.port, settings.host);
  console.log(`simulated Yandex Market at ${url} (campaigns ${Object.keys(settings.campaigns).join(', ') || 'none'}); ` +
    `notifications to ${settings.notificationUrl}; what it received: ${url}/_sim/received`);
  const stop = (): void => void market.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
