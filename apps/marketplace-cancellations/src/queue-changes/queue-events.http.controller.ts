import { Controller, Sse, UseGuards, type MessageEvent } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ID_FORMATS, LimitedStream, PathId, withHeartbeat } from '@orders/service-kit';
import { filter, map, merge, startWith, throttleTime, type Observable } from 'rxjs';
import { CampaignAccessGuard } from '../market-api/campaign-access.guard';
import { QueueChanges, type QueueChange } from './queue-changes';

/** A burst (a projection batch, an outbox batch) reaches the page as at most one notice per kind per this interval. */
const COALESCE_MS = 250;

const CampaignId = () => PathId('campaignId', 'campaign', ID_FORMATS.positiveInteger);

/**
 * The cancellation page's live feed: it says *that* a campaign's queue or its calls to Market changed, not what, and
 * the page reloads those lists. So a stream needs no replay: `ready` on every (re)connect and `reload` after the
 * service lost its own LISTEN connection both mean "read everything again", and no change is missed in between.
 */
@ApiTags('cancellations')
@ApiSecurity('api-key')
@Controller('v2/campaigns/:campaignId/cancellations/events')
@UseGuards(CampaignAccessGuard)
export class QueueEventsController {
  constructor(private readonly queue: QueueChanges) {}

  @Sse()
  @LimitedStream()
  @ApiOperation({
    summary: "Server-sent events: the campaign's cancellation queue or its calls to Market changed (reload them)",
  })
  @ApiOkResponse({
    description:
      '`ready` first (load the lists now), then `queue.changed` (a request or its order changed: reload the ' +
      'queue and decisions) and `market.changed` (a call to Market was written or answered: reload the calls and ' +
      'limits), at most one of each per 250 ms; `reload` when changes may have been missed (load everything again); ' +
      'a `ping` every 15 s; closed after 30 min without an event (EventSource reconnects and gets `ready`). No ids: ' +
      'a reconnect reloads rather than replays.',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example: 'event: ready\ndata: {"campaignId":"21"}\n\nevent: market.changed\ndata: {"campaignId":"21"}\n\n',
      },
    },
  })
  @ApiResponse({
    status: 429,
    description: 'LIMIT_EXCEEDED: this key already holds the most open streams (5), with Retry-After',
  })
  stream(@CampaignId() campaignId: string): Observable<MessageEvent> {
    const ofCampaign = this.queue.changes.pipe(filter((change) => change.campaignId === campaignId));
    const coalesced = (kind: QueueChange['kind']) =>
      ofCampaign.pipe(
        filter((change) => change.kind === kind),
        throttleTime(COALESCE_MS, undefined, { leading: true, trailing: true }),
        map((): MessageEvent => ({ type: `${kind}.changed`, data: { campaignId } })),
      );
    const reload = this.queue.lost.pipe(map((): MessageEvent => ({ type: 'reload', data: { campaignId } })));
    return withHeartbeat(merge(coalesced('queue'), coalesced('market'), reload)).pipe(
      startWith({ type: 'ready', data: { campaignId } } satisfies MessageEvent),
    );
  }
}
