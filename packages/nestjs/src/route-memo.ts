import { ExecutionContext } from '@nestjs/common';

/**
 * A value derived from a route's metadata (its decorators), computed on the route's first request
 * and kept: metadata is fixed once the app has started, and reading it through reflection on every
 * request cost a guarded route a share of its throughput. Keyed by class, then handler: an
 * inherited handler can be mounted by two controllers whose class-level metadata differs.
 */
export class RouteMemo<T> {
  private readonly byClass = new WeakMap<object, WeakMap<object, T>>();

  constructor(private readonly compute: (context: ExecutionContext) => T) {}

  of(context: ExecutionContext): T {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.byClass.get(controller);
    if (byHandler === undefined) {
      byHandler = new WeakMap();
      this.byClass.set(controller, byHandler);
    }
    let value = byHandler.get(handler);
    if (value === undefined) {
      value = this.compute(context);
      byHandler.set(handler, value);
    }
    return value;
  }
}
