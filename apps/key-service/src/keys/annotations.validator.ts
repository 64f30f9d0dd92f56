import { registerDecorator, ValidationOptions } from 'class-validator';

export const MAX_ANNOTATIONS = 50;

/** A flat map of short strings: what Fireworks and Kubernetes call annotations. */
export function IsAnnotations(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isAnnotations',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be an object of at most ${MAX_ANNOTATIONS} string values (keys 1-64, values up to 512 characters)`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= MAX_ANNOTATIONS &&
            entries.every(([k, v]) => k.length >= 1 && k.length <= 64 && typeof v === 'string' && v.length <= 512)
          );
        },
      },
    });
}
