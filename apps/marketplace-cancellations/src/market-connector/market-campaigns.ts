import { ValidateBy, type ValidationOptions } from 'class-validator';

/** A shop's campaign on Market as the connector calls it: the Api-Key Market issued for it (a secret). */
export interface MarketCampaign {
  readonly campaignId: string;
  readonly apiKey: string;
}

/**
 * MARKET_CAMPAIGNS: `{"<campaignId>": {"apiKey": "<key>"}, …}`. Only the campaigns listed here are connected: their
 * decisions are sent to Market and their orders read from it; an empty object turns the connector off.
 */
export function parseMarketCampaigns(text: string): ReadonlyMap<string, MarketCampaign> {
  const parsed: unknown = JSON.parse(text === '' ? '{}' : text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
  const campaigns = new Map<string, MarketCampaign>();
  for (const [campaignId, value] of Object.entries(parsed)) {
    if (!/^[1-9]\d{0,18}$/.test(campaignId)) throw new Error(`campaign id ${JSON.stringify(campaignId)} is not a positive integer`);
    const apiKey = (value as { apiKey?: unknown } | null)?.apiKey;
    // Market's keys are printable tokens; a space or a control character is a paste error, caught at start-up.
    if (typeof apiKey !== 'string' || !/^[\x21-\x7e]{8,512}$/.test(apiKey))
      throw new Error(`campaign ${campaignId}: apiKey must be 8 to 512 visible ASCII characters`);
    campaigns.set(campaignId, { campaignId, apiKey });
  }
  return campaigns;
}

/** A settings field holding MARKET_CAMPAIGNS; the message never shows the value (it holds keys). */
export function IsMarketCampaigns(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isMarketCampaigns',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            parseMarketCampaigns(value);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: () =>
          'must be a JSON object {"<campaignId>": {"apiKey": "<8 to 512 visible characters>"}} (value not shown)',
      },
    },
    options,
  );
}
