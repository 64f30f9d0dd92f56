/** Where the Kafka relay stands, for /health; the embedded topology has no relay. */
export interface RelayStatus {
  readonly enabled: boolean;
  status(): Promise<{ active: boolean; checkpoint: number; lagEvents: number; lagMs: number }>;
}

export const NO_RELAY: RelayStatus = {
  enabled: false,
  status: () => Promise.reject(new Error('no relay in the embedded topology')),
};

export const RELAY_STATUS = Symbol('RELAY_STATUS');
