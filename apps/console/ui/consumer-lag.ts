import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

interface PartitionLag {
  groupId: string;
  topic: string;
  partition: number;
  committed: string | null;
  high: string;
  lag: number;
}
interface TopicLag {
  groupId: string;
  topic: string;
  lag: number;
  partitions: PartitionLag[];
}

function byTopic(rows: readonly PartitionLag[]): TopicLag[] {
  const out = new Map<string, TopicLag>();
  for (const row of rows) {
    const key = `${row.groupId} ${row.topic}`;
    const sum = out.get(key) ?? { groupId: row.groupId, topic: row.topic, lag: 0, partitions: [] };
    sum.lag += row.lag;
    sum.partitions.push(row);
    out.set(key, sum);
  }
  return [...out.values()];
}

/**
 * Every consumer group's lag (the projector reads the broker: committed offset against the high watermark), one row
 * per group and topic with its partitions folded away: `ops status` sums the same rows.
 */
export function ConsumerLag({ reads }: { reads: number }) {
  const [rows, setRows] = useState<TopicLag[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api<{ partitions: PartitionLag[] }>('GET', '/api/ops/consumer-lag').then(
      (r) => {
        setRows(byTopic(r.partitions));
        setError('');
      },
      (e: Error) => setError(e.message),
    );
  }, [reads]);
  return html` <h2>Consumer-group lag</h2>
    ${error && html`<p>Consumer groups not read: ${error}</p>`}
    ${rows && rows.length === 0 && html`<p class="empty">No consumer group has committed an offset.</p>`}
    ${
      rows &&
      rows.length > 0 &&
      html` <table class="subs lag" aria-label="Consumer-group lag">
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Topic</th>
            <th scope="col">Lag</th>
            <th scope="col">Partitions</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (t) =>
              html` <tr data-lag=${`${t.groupId}/${t.topic}`} class=${t.lag > 0 ? 'behind' : ''}>
                <th scope="row">${t.groupId}</th>
                <td>${t.topic}</td>
                <td class="lag-total">${t.lag === 0 ? 'caught up' : `${t.lag} behind`}</td>
                <td>
                  <details>
                    <summary>${t.partitions.length} partition(s)</summary>
                    <table aria-label=${`Partitions of ${t.topic} for ${t.groupId}`}>
                      <thead>
                        <tr>
                          <th scope="col">Partition</th>
                          <th scope="col">Committed</th>
                          <th scope="col">High watermark</th>
                          <th scope="col">Lag</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${t.partitions.map(
                          (p) =>
                            html` <tr data-partition=${p.partition}>
                              <th scope="row">${p.partition}</th>
                              <td>${p.committed ?? 'none'}</td>
                              <td>${p.high}</td>
                              <td>${p.lag}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                  </details>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>`
    }`;
}
