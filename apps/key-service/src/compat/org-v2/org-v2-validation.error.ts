import { UnprocessableEntityException } from '@nestjs/common';

/** One entry of FastAPI's 422 body: `{type, loc, msg, input, ctx?}`. */
export interface OrgV2ValidationDetail {
  readonly type: string;
  readonly loc: (string | number)[];
  readonly msg: string;
  readonly input: unknown;
  readonly ctx?: Record<string, unknown>;
}

/** A body that fails the v2 request model; the v2 filter renders it as FastAPI does. */
export class OrgV2ValidationError extends UnprocessableEntityException {
  constructor(readonly details: OrgV2ValidationDetail[]) {
    super(details.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; '));
  }
}
