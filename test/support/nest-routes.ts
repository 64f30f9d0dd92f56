import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { declaredAccess, RouteAccess } from '../../apps/key-service/src/auth/access.decorator';

export interface NestRoute {
  readonly method: string;
  /** As Nest registers it on Fastify. */
  readonly url: string;
  readonly controller: string;
  readonly handler: string;
  /** What the route declares; undefined when it declares nothing. */
  readonly access: RouteAccess | undefined;
}

/**
 * Every route of every Nest controller of `app`, read from the decorators' metadata. The url is
 * built the way Nest's RoutePathFactory builds it (no global prefix or versioning is used here):
 * a caller compares it with the urls Fastify registered, so a mistake here shows as a mismatch.
 */
export function nestRoutes(app: NestFastifyApplication): NestRoute[] {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const routes: NestRoute[] = [];
  for (const wrapper of new DiscoveryService(app.get(ModulesContainer)).getControllers()) {
    const controller = wrapper.metatype as Type<unknown>;
    const prefixes = asList(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined);
    const prototype = controller.prototype as Record<string, (...args: unknown[]) => unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) continue; // not a route handler
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const access = declaredAccess(reflector, { getHandler: () => handler, getClass: () => controller });
      for (const prefix of prefixes)
        for (const path of asList(paths))
          routes.push({ method, url: joinPath(prefix, path), controller: controller.name, handler: name, access });
    }
  }
  return routes;
}

function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [''] : Array.isArray(value) ? value : [value];
}

const leadingSlash = (p: string) => (p && !p.startsWith('/') ? `/${p}` : p);
const stripEndSlash = (p: string) => (p.endsWith('/') ? p.slice(0, -1) : p);

/** Nest strips one trailing slash from each joint and from the whole (hence org-v2's `'//'`). */
function joinPath(prefix: string, path: string): string {
  let url = '';
  for (const fragment of [prefix, path]) if (fragment) url = stripEndSlash(url) + leadingSlash(fragment);
  url = leadingSlash(url || '/');
  return url === '/' ? url : stripEndSlash(url);
}
