// The simulated day: 1,000 couriers, each with a route of 10 deliveries along a street, reporting a point every 5 s.
// A courier drives 16 minutes to the next delivery and stays 4 minutes (long enough for the visit: service 300 s x
// 0.5 = 150 s), so 10 deliveries take 3 h 20 min. Point times are synthetic (from DAY_START): runs are repeatable.

export const COURIERS = 1_000;
export const DELIVERIES_PER_COURIER = 10;
export const TICK_S = 5;
export const TRAVEL_TICKS = 192;
export const DWELL_TICKS = 48;
export const SERVICE_DURATION_S = 300;
export const DAY_START_S = Date.parse('2026-03-02T06:00:00Z') / 1000;
export const ROUTE_DATE = '2026-03-02';

const METRES_PER_DEGREE = 111_195;
/** Couriers work in parallel streets 1 km apart; stops are 1 km apart along the street. */
export function stopLocation(courier: number, stop: number): { lat: number; lon: number } {
  return { lat: 55.5 + (courier * 1000) / METRES_PER_DEGREE / 50, lon: 37.3 + (stop * 1000) / (METRES_PER_DEGREE * 0.56) };
}

/** Where courier `c` is at tick `t`: driving toward a stop, or standing at it. */
export function positionAt(courier: number, tick: number): { lat: number; lon: number; timestamp: number } {
  const cycle = TRAVEL_TICKS + DWELL_TICKS;
  const stop = Math.floor(tick / cycle) % DELIVERIES_PER_COURIER;
  const within = tick % cycle;
  const to = stopLocation(courier, stop);
  const from = stop === 0 ? { lat: to.lat, lon: to.lon - 0.02 } : stopLocation(courier, stop - 1);
  const progress = within >= TRAVEL_TICKS ? 1 : within / TRAVEL_TICKS;
  // A few metres of GPS jitter, deterministic per courier and tick.
  const jitter = (((courier * 7919 + tick * 104_729) % 21) - 10) / METRES_PER_DEGREE;
  return { lat: from.lat + (to.lat - from.lat) * progress + jitter, lon: from.lon + (to.lon - from.lon) * progress, timestamp: DAY_START_S + tick * TICK_S };
}

export const courierId = (c: number) => `bench-courier-${c}`;
export const routeId = (c: number) => `bench-route-${c}`;
