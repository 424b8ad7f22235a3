/**
 * The MongoDB filter of the organizations a caller may read, from their CASL rules: the list
 * query is the ability's own conditions, joined to the client's filters with `$and`, so the
 * list can never show what `GET /organizations/:id` would refuse. The ability names fields in
 * their API shape (`id` as a string); here they become the stored shape (`_id`, ObjectIds).
 */
import { rulesToCondition } from '@casl/ability/extra';
import mongoose, { QueryFilter, Types } from 'mongoose';
import type { AppAbility } from '@spilno/auth';
import { Organization } from './schemas/organization.schema';

type Filter = QueryFilter<Organization>;
type Rule = ReturnType<AppAbility['rulesFor']>[number];

/** Null when the caller may read no organization at all. */
export function readableOrganizationsFilter(ability: AppAbility): Filter | null {
  return rulesToCondition<AppAbility, Filter, Filter>(
    ability.rulesFor('read', 'Organization'),
    toFilter,
    {
      and: (conditions) => ({ $and: conditions }),
      or: (conditions) => ({ $or: conditions }),
      empty: () => ({}),
    },
  );
}

function toFilter(rule: Rule): Filter {
  const filter = Object.fromEntries(
    Object.entries(rule.conditions ?? {}).map(([field, condition]) => toStored(field, condition)),
  ) as Filter;
  return rule.inverted ? { $nor: [filter] } : filter;
}

/** Only the fields and operators the Organization rules use; anything else fails loudly. */
function toStored(field: string, condition: unknown): [string, unknown] {
  const convert = converterFor(field);
  const name = field === 'id' ? '_id' : field;
  if (typeof condition === 'string') return [name, convert(condition)];
  const values = (condition as { $in?: unknown } | null)?.$in;
  if (Array.isArray(values) && Object.keys(condition as object).length === 1) {
    return [name, mongoose.trusted({ $in: values.map((v) => convert(String(v))) })];
  }
  throw new Error(`unsupported Organization rule condition on "${field}"`);
}

function converterFor(field: string): (value: string) => unknown {
  if (field === 'id') return (value) => new Types.ObjectId(value);
  if (field === 'status') return (value) => value;
  throw new Error(`unsupported Organization rule field "${field}"`);
}
