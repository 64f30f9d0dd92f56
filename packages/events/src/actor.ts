/** Who caused an event: the root key, a management key of this service, or the system itself (usage flushes). */
export type ActorType = 'root' | 'key' | 'system';

export interface Actor {
  readonly type: ActorType;
  readonly id: string;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: 'key-service' };
