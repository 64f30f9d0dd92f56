import { Injectable, OnModuleInit } from '@nestjs/common';
import { KeyServiceClient, KeyServiceConflictError } from '@key-service/client';
import { randomUUID } from 'node:crypto';

/**
 * The service's own key, created through the typed client at start (to call other services with,
 * say). Its plaintext stays in memory: it is never logged or returned.
 */
@Injectable()
export class OwnKeyService implements OnModuleInit {
  private key: string | null = null;
  private id: string | null = null;

  constructor(private readonly client: KeyServiceClient) {}

  async onModuleInit(): Promise<void> {
    const id = `orders-service-${randomUUID().slice(0, 8)}`;
    try {
      const created = await this.client.create({ id, name: 'orders service', roles: ['orders:read'], annotations: { owner: 'orders-service' } });
      this.key = created.key;
      this.id = created.id;
    } catch (error) {
      // The typed errors carry the API's status and message.
      if (error instanceof KeyServiceConflictError) throw new Error(`Key id ${id} is taken: ${error.message}`);
      throw error;
    }
  }

  /** What the key service says about our key, presented as a caller would. */
  async describe(): Promise<{ id: string | null; valid: boolean; roles: readonly string[] }> {
    if (!this.key) return { id: null, valid: false, roles: [] };
    const answer = await this.client.verify({ key: this.key, roles: ['orders:read'] });
    const me = await this.client.whoami({ key: this.key });
    return { id: me.id, valid: answer.valid, roles: me.roles };
  }

  get keyId(): string | null {
    return this.id;
  }
}
