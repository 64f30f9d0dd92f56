import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { allowlistProblem } from '@key-service/verifier';

/**
 * An IP allowlist: 1 to MAX_ALLOWED_IPS IPv4/IPv6 addresses or CIDR ranges (ipaddr.js parses them;
 * packages/verifier/src/access/ip-allowlist.ts). The 400 names the first bad entry by its index.
 * `null` and absence are for the property's own @ValidateIf / @IsOptional to allow.
 */
export function IsIpAllowlist(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIpAllowlist',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args: ValidationArguments) => allowlistProblem(args.value, args.property) ?? `${args.property} is invalid`,
        ...options,
      },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => allowlistProblem(value, args.property) === null,
      },
    });
}
