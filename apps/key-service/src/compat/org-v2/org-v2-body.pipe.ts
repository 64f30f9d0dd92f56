import { Type, ValidationPipe } from '@nestjs/common';
import { ValidationError } from 'class-validator';
import { OrgV2ValidationDetail, OrgV2ValidationError } from './org-v2-validation.error';

/** The bound in class-validator's length message ("… shorter than or equal to 100 characters"). */
function limitIn(message: string | undefined): number {
  return Number(/(\d+) characters/.exec(message ?? '')?.[1] ?? 0);
}

/** class-validator rule → pydantic v2 error type and message. */
function toDetail(error: ValidationError, rule: string, loc: (string | number)[]): OrgV2ValidationDetail {
  const input = error.value;
  switch (rule) {
    case 'isDefined':
      return { type: 'missing', loc, msg: 'Field required', input: error.target ?? null };
    case 'isString':
      return { type: 'string_type', loc, msg: 'Input should be a valid string', input };
    case 'minLength': {
      const min = limitIn(error.constraints?.minLength);
      return { type: 'string_too_short', loc, msg: `String should have at least ${min} character${min === 1 ? '' : 's'}`, input, ctx: { min_length: min } };
    }
    case 'maxLength': {
      const max = limitIn(error.constraints?.maxLength);
      return { type: 'string_too_long', loc, msg: `String should have at most ${max} characters`, input, ctx: { max_length: max } };
    }
    default:
      return { type: 'value_error', loc, msg: error.constraints?.[rule] ?? 'Invalid value', input };
  }
}

/**
 * Validates a v2 body the way the mirrored FastAPI service does: a failure is a 422 listing each
 * broken field as `{type, loc: ["body", field], msg, input}`, and unknown fields are dropped, not
 * refused (pydantic's default). The global pipe skips these bodies: their declared type is an
 * interface, so it sees `Object`; this pipe gets the class through `expectedType`.
 */
export class OrgV2BodyPipe extends ValidationPipe {
  constructor(expectedType: Type<object>) {
    super({
      expectedType,
      whitelist: true,
      forbidNonWhitelisted: false,
      forbidUnknownValues: true,
      stopAtFirstError: true,
      transform: true,
      validationError: { target: true, value: true },
      exceptionFactory: (errors: ValidationError[]) =>
        new OrgV2ValidationError(
          errors.flatMap((e) => Object.keys(e.constraints ?? {}).slice(0, 1).map((rule) => toDetail(e, rule, ['body', e.property]))),
        ),
    });
  }
}
