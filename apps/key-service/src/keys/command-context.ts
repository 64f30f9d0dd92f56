import { Principal } from '../auth/principal';

/** Carried by every command: who acts, and the id that ties its events to the request. */
export interface CommandContext {
  readonly principal: Principal;
  readonly correlationId: string;
}

