import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ValidationError, getMetadataStorage, validate } from 'class-validator';
import { AppError } from './app-error';

/**
 * Validates every GraphQL argument whose type carries class-validator rules. A failure is
 * BAD_USER_INPUT with `extensions.field` = the input path ("input.timeZone", "input.steps.0.kind")
 * of the first bad field, and `extensions.fields` listing all of them. Values are returned
 * transformed (e.g. trimmed) as declared on the input class.
 */
@Injectable()
export class InputValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const type = metadata.metatype;
    if (!type || value === null || value === undefined || !hasRules(type)) {
      return value;
    }
    const instance: object = plainToInstance(type, value);
    const errors = await validate(instance, {
      forbidUnknownValues: true,
      validationError: { target: false },
    });
    const failures = flatten(errors, metadata.data ?? metadata.type);
    if (failures.length > 0) {
      throw AppError.badInput(failures[0].field, failures[0].message, {
        fields: failures.map((f) => f.field),
      });
    }
    return instance;
  }
}

/** Whether a type has rules, per type: they are declared with the class, once and for all. */
const rulesOf = new WeakMap<object, boolean>();

function hasRules(type: unknown): type is new () => object {
  if (typeof type !== 'function') {
    return false;
  }
  let has = rulesOf.get(type);
  if (has === undefined) {
    has = getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).length > 0;
    rulesOf.set(type, has);
  }
  return has;
}

function flatten(errors: ValidationError[], prefix: string): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    // class-validator reports an object it has no rules for with an undefined property.
    const field = error.property === undefined ? prefix : `${prefix}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return own.length > 0 ? own.slice(0, 1) : flatten(error.children ?? [], field);
  });
}
