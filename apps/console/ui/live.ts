import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export type Live = 'connecting' | 'live' | 'reconnecting' | 'closed';

/**
 * A server-sent event stream of the BFF, its named events passed to `onEvent`. EventSource reconnects by itself;
 * the state says whether the page is live.
 */
export function useEventStream(
  url: string | null,
  types: readonly string[],
  onEvent: (type: string, data: unknown) => void,
): Live {
  const [live, setLive] = useState<Live>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const names = types.join(',');
  useEffect(() => {
    if (!url) return undefined;
    setLive('connecting');
    const source = new EventSource(url);
    for (const type of names.split(',')) {
      source.addEventListener(type, (event: MessageEvent) =>
        handler.current(type, event.data ? JSON.parse(event.data) : {}),
      );
    }
    source.onopen = () => setLive('live');
    source.onerror = () => setLive(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    return () => source.close();
  }, [url, names]);
  return live;
}

const LIVE_WORDS: Record<Live, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Not live: reload the page',
};

export function LiveBadge({ live }: { live: Live }) {
  return html`<span class=${`live live-${live}`} role="status">${LIVE_WORDS[live]}</span>`;
}
