import { Type } from '@nestjs/common';
import { PathErrorShape } from '../errors/http-error.filter';
import { FireworksErrorFilter } from './fireworks/fireworks-error.filter';
import { FireworksErrorResponseDto } from './fireworks/fireworks-error.response.dto';
import { FIREWORKS_TAG } from './fireworks/fireworks.tag';
import { LuminoErrorFilter } from './lumino/lumino-error.filter';
import { LuminoErrorResponseDto } from './lumino/lumino-error.response.dto';
import { LUMINO_TAG } from './lumino/lumino.tag';
import { OrgV2ErrorFilter } from './org-v2/org-v2-error.filter';
import { OrgV2ErrorResponseDto } from './org-v2/org-v2-error.response.dto';
import { ORG_V2_TAG } from './org-v2/org-v2.tag';

/** A dialect whose errors are not the native `{statusCode, error, message}` (Fusion's are). */
export interface CompatErrorDialect extends PathErrorShape {
  /** The OpenAPI tag of its routes: their declared error bodies use `errorBody`. */
  readonly tag: string;
  readonly errorBody: Type<unknown>;
}

/**
 * A body Fastify cannot parse, a content type it has no parser for, an oversize body, a URL that
 * is not valid UTF-8 or a path parameter over maxParamLength: these fail before Nest reaches the
 * controller, so the controller's `@UseFilters` never sees them and the
 * global filter does. It hands them to the dialect owning the path, so a Lumino client gets
 * `{status, message}` for a malformed body as for any other 400.
 */
export const COMPAT_ERROR_DIALECTS: readonly CompatErrorDialect[] = [
  { tag: LUMINO_TAG, path: /^\/v1\/api-keys(?:[/?]|$)/, errorBody: LuminoErrorResponseDto, shape: new LuminoErrorFilter() },
  { tag: ORG_V2_TAG, path: /^\/api\/v2\/api-keys(?:[/?]|$)/, errorBody: OrgV2ErrorResponseDto, shape: new OrgV2ErrorFilter() },
  { tag: FIREWORKS_TAG, path: /^\/v1\/accounts\//, errorBody: FireworksErrorResponseDto, shape: new FireworksErrorFilter() },
];
