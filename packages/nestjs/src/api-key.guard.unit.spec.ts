import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { issueSecret } from '../../../test/support/recorded-key-event.fixtures';
import { CachedValidationLookup, InMemoryUsageLimiter, KeyHasher, KeyVerifier, ValidationLookup, ValidationRecord } from '@key-service/verifier';
import { ApiKeyGuard, RequestWithApiKey } from './api-key.guard';
import { RequireKeyRoles } from './require-key-roles.decorator';

const hasher = new KeyHasher('guard-pepper-0123456789');

class InMemoryValidationLookup implements ValidationLookup {
  readonly records = new Map<string, ValidationRecord>();
  async lookup(hash: string): Promise<ValidationRecord | null> {
    return this.records.get(hash) ?? null;
  }
}

const record = (roles: string[]): ValidationRecord => ({
  keyId: 'key-1',
  tenant: 'acme',
  name: 'orders reader',
  status: 'ACTIVE',
  roles,
  expiresAt: null,
  validUntil: null,
  rateLimit: null,
  quota: null,
  quotaSetAt: null,
  version: 1,
});

/** A handler inherited by two controllers whose class-level roles differ. */
class BaseController {
  list() {
    return [];
  }
}
@RequireKeyRoles('orders:read')
class OrdersController extends BaseController {
  @RequireKeyRoles('orders:write')
  create() {
    return {};
  }
}
@RequireKeyRoles('invoices:read')
class InvoicesController extends BaseController {}

describe('ApiKeyGuard', () => {
  let lookup: InMemoryValidationLookup;
  let guard: ApiKeyGuard;
  let secret: string;

  beforeEach(() => {
    lookup = new InMemoryValidationLookup();
    guard = new ApiKeyGuard(new Reflector(), new KeyVerifier({ hasher, lookup, limiter: new InMemoryUsageLimiter() }), []);
    secret = issueSecret().plaintext;
  });

  const request = (key?: string): RequestWithApiKey => ({ headers: key ? { 'x-api-key': key } : {} });
  /** As Nest calls a guard: a boolean, a promise of one, or a throw, all taken as a promise here. */
  const activate = async (req: RequestWithApiKey, controller: object, handler: (...args: unknown[]) => unknown) =>
    guard.canActivate(new ExecutionContextHost([req, {}], controller as never, handler));

  it('admits a key holding the roles of the handler, else of its class, and leaves the answer on the request', async () => {
    lookup.records.set(hasher.hash(secret), record(['orders:read', 'orders:write']));
    const req = request(secret);
    await expect(activate(req, OrdersController, OrdersController.prototype.create)).resolves.toBe(true);
    await expect(activate(req, OrdersController, OrdersController.prototype.list)).resolves.toBe(true);
    expect(req.apiKey).toMatchObject({ valid: true, code: 'VALID', keyId: 'key-1' });
  });

  it('reads the roles per controller and handler, the same handler mounted twice included, every time it is asked', async () => {
    lookup.records.set(hasher.hash(secret), record(['orders:read']));
    for (let round = 0; round < 2; round++) {
      await expect(activate(request(secret), OrdersController, OrdersController.prototype.list)).resolves.toBe(true);
      await expect(activate(request(secret), InvoicesController, InvoicesController.prototype.list)).rejects.toThrow(
        new ForbiddenException('API key lacks a required role (invoices:read)'),
      );
      await expect(activate(request(secret), OrdersController, OrdersController.prototype.create)).rejects.toThrow(
        new ForbiddenException('API key lacks a required role (orders:write)'),
      );
    }
  });

  it('answers at once when nothing had to be read, and after the read when something had', async () => {
    lookup.records.set(hasher.hash(secret), record(['orders:read']));
    const context = new ExecutionContextHost([request(secret), {}], OrdersController, OrdersController.prototype.list);
    // The first request reads the model (a promise); over a warm cache the answer is a plain boolean.
    const cachedGuard = new ApiKeyGuard(new Reflector(), new KeyVerifier({ hasher, lookup: new CachedValidationLookup(lookup), limiter: new InMemoryUsageLimiter() }), []);
    const first = cachedGuard.canActivate(context);
    expect(first).toBeInstanceOf(Promise);
    await expect(first).resolves.toBe(true);
    expect(cachedGuard.canActivate(context)).toBe(true);
    expect(() => cachedGuard.canActivate(new ExecutionContextHost([request(secret), {}], InvoicesController, InvoicesController.prototype.list))).toThrow(ForbiddenException);
  });

  it('refuses a request without a key, and a key that is not valid, with 401', async () => {
    await expect(activate(request(), OrdersController, OrdersController.prototype.list)).rejects.toBeInstanceOf(UnauthorizedException);
    await expect(activate(request(secret), OrdersController, OrdersController.prototype.list)).rejects.toThrow('API key rejected: NOT_FOUND');
  });
});
