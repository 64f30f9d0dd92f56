import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { permissionsProblem } from '@key-service/verifier';

/**
 * A key's permissions: up to MAX_KEY_PERMISSIONS names of PERMISSION_PATTERN, none of them `and` or
 * `or` (packages/verifier/src/access/permission-names.ts). The 400 names the first bad one by its index.
 */
export function IsKeyPermissions(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isKeyPermissions',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args: ValidationArguments) => permissionsProblem(args.value, args.property) ?? `${args.property} is invalid`,
        ...options,
      },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => permissionsProblem(value, args.property) === null,
      },
    });
}
