export interface BrokerOptions {
  /** Broker (client) port. */
  port?: number;
  controllerPort?: number;
  /** State folder: data, log, pid file. */
  dir?: string;
}
export interface Broker {
  /** Starts the broker unless one answers already; true when this call started it. */
  up(options?: { timeoutMs?: number }): Promise<boolean>;
  /** Clean shutdown (SIGTERM) of the broker this folder started. */
  down(options?: { timeoutMs?: number }): Promise<void>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  status(): Promise<{ running: boolean; pid?: number; brokers: string; log: string }>;
  pid(): number | undefined;
  brokers: string;
  logFile: string;
}
export function createBroker(options?: BrokerOptions): Broker;
export const up: Broker['up'];
export const down: Broker['down'];
export const status: Broker['status'];
export const logFile: string;
