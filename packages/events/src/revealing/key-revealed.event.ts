export const KEY_REVEALED = 'KeyRevealed';

/**
 * Someone was shown a recoverable key's plaintext (POST /v1/keys/:id/reveal). Appended, in the
 * transaction that read the sealed secret, before the plaintext is sent: the log holds every
 * reveal (who: the envelope's actor; when: its occurredAt), never the plaintext or its ciphertext.
 */
export interface KeyRevealedData {
  /** The id of the HTTP request that revealed it, as the service's request log names it (`req.id`). */
  readonly requestId: string;
}

export interface KeyRevealed {
  readonly type: typeof KEY_REVEALED;
  readonly data: KeyRevealedData;
}
