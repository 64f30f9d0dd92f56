import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { cheapAsyncResourceBind, installCheapAsyncResourceBind, nodeAsyncResourceBind } from './async-resource-bind.patch';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

describe('AsyncResource#bind without its per-call deprecate wrappers (async-resource-bind.patch.ts)', () => {
  const store = new AsyncLocalStorage<string>();
  const binds = { node: nodeAsyncResourceBind, cheap: cheapAsyncResourceBind };

  /** What a bound function shows of itself and does when called, under each bind. */
  function observe(bind: typeof cheapAsyncResourceBind, thisArg?: unknown) {
    const resource = store.run('bound in', () => new AsyncResource('test'));
    function target(this: unknown, a: unknown, b: unknown) {
      return { self: this, args: [a, b], store: store.getStore() };
    }
    const bound = bind.call(resource, target as Fn, thisArg);
    const receiver = { name: 'receiver' };
    const result = store.run('called in', () => bound.call(receiver, 1, 2)) as { self: unknown };
    return {
      result: { ...result, self: result.self === receiver ? 'receiver' : result.self },
      length: bound.length,
      keys: Object.keys(bound),
      resource: (bound as unknown as { asyncResource: AsyncResource }).asyncResource === resource,
      name: typeof bound.name,
    };
  }

  beforeAll(() => {
    // Reading asyncResource warns once per process (DEP0172), under either bind.
    process.noDeprecation = true;
  });
  afterAll(() => {
    process.noDeprecation = false;
  });

  it('binds as node does: this, arguments, result, length, own keys, the resource, the async context', () => {
    expect(observe(binds.cheap)).toEqual(observe(binds.node));
    expect(observe(binds.cheap, 'given this')).toEqual(observe(binds.node, 'given this'));
    expect(observe(binds.cheap).result).toEqual({ self: 'receiver', args: [1, 2], store: 'bound in' });
  });

  it('refuses what is not a function with node\'s own error', () => {
    const resource = new AsyncResource('test');
    const error = (bind: typeof cheapAsyncResourceBind) => {
      try {
        bind.call(resource, 'nope' as unknown as Fn);
      } catch (e) {
        return { type: (e as Error).constructor.name, code: (e as { code?: string }).code };
      }
      return null;
    };
    expect(error(binds.cheap)).toEqual(error(binds.node));
    expect(error(binds.cheap)).not.toBeNull();
  });

  it('is installed once, and AsyncResource.bind then uses it', () => {
    installCheapAsyncResourceBind();
    installCheapAsyncResourceBind();
    try {
      expect(AsyncResource.prototype.bind).toBe(cheapAsyncResourceBind);
      const bound = AsyncResource.bind(() => store.getStore());
      expect(bound()).toBeUndefined();
    } finally {
      AsyncResource.prototype.bind = nodeAsyncResourceBind as unknown as typeof AsyncResource.prototype.bind;
    }
  });
});
