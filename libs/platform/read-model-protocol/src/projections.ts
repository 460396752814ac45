/** The projector's read models, by the names operators and the projections table use. */
export const SUMMARY_PROJECTION = 'order-summary';
export const TIMELINE_PROJECTION = 'order-timeline';
export const PROJECTIONS = [SUMMARY_PROJECTION, TIMELINE_PROJECTION] as const;
export type ProjectionName = (typeof PROJECTIONS)[number];

export function isProjectionName(name: string): name is ProjectionName {
  return (PROJECTIONS as readonly string[]).includes(name);
}
