import { AsyncResource } from 'node:async_hooks';
import { deprecate } from 'node:util';

type Fn = (this: unknown, ...args: unknown[]) => unknown;
type Bound = Fn & { [RESOURCE]?: AsyncResource };
type NodeBind = (this: AsyncResource, fn: Fn, thisArg?: unknown) => Fn;

const RESOURCE = Symbol('asyncResource');
const DEPRECATED = 'The asyncResource property on bound functions is deprecated';
// Made once, not per bound function: the same warning (DEP0172, once per process) on the same access.
const getResource = deprecate(function (this: Bound) {
  return this[RESOURCE];
}, DEPRECATED, 'DEP0172');
const setResource = deprecate(function (this: Bound, resource: AsyncResource) {
  this[RESOURCE] = resource;
}, DEPRECATED, 'DEP0172');

/** Node's own `bind`, kept for the test that holds the two together. */
export const nodeAsyncResourceBind = AsyncResource.prototype.bind as unknown as NodeBind;

/**
 * AsyncResource#bind as node 20 defines it, less its cost: node wraps the deprecated
 * `asyncResource` accessor of every bound function in two fresh `util.deprecate` wrappers, each
 * given its own prototype (Object.setPrototypeOf on a new function), about 5 µs a call. Fastify
 * binds one per request body (ContentTypeParser.run), so every create, revoke or other command
 * paid it. Here the accessor's two functions are made once; the bound function, its `length`,
 * `this`, arguments, result and async context are node's, and reading `asyncResource` still
 * warns (DEP0172).
 */
export function cheapAsyncResourceBind(this: AsyncResource, fn: Fn, thisArg?: unknown): Fn {
  if (typeof fn !== 'function') return nodeAsyncResourceBind.call(this, fn, thisArg); // node's own TypeError
  let bound: Bound;
  if (thisArg === undefined) {
    const resource = this;
    bound = function (this: unknown, ...args: unknown[]) {
      return resource.runInAsyncScope(fn, this, ...args);
    };
  } else {
    bound = this.runInAsyncScope.bind(this, fn, thisArg) as Bound;
  }
  Object.defineProperties(bound, {
    length: { configurable: true, enumerable: false, value: fn.length, writable: false },
    asyncResource: { configurable: true, enumerable: true, get: getResource, set: setResource },
    [RESOURCE]: { configurable: true, enumerable: false, writable: true, value: this },
  });
  return bound;
}

/**
 * Installs the bind above, once, and only on a node whose own bind gives bound functions the
 * deprecated accessor (node 20 to 22); where node no longer does, its own is left alone.
 */
export function installCheapAsyncResourceBind(): void {
  if ((AsyncResource.prototype.bind as unknown) !== nodeAsyncResourceBind) return;
  const probe = new AsyncResource('key-service:probe').bind(() => undefined);
  if (!Object.prototype.hasOwnProperty.call(probe, 'asyncResource')) return;
  AsyncResource.prototype.bind = cheapAsyncResourceBind as unknown as typeof AsyncResource.prototype.bind;
}
