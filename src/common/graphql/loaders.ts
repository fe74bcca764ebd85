import DataLoader from 'dataloader';
import { GraphQLContext } from './graphql-context';

/**
 * A DataLoader cached on the operation's context under `name`, so that a field resolved for
 * many parents (Bot.members over `bots`) costs one batched query per operation, not one each.
 */
export function loaderFor<K, V>(
  ctx: GraphQLContext,
  name: string,
  batch: (keys: readonly K[]) => Promise<V[]>,
): DataLoader<K, V> {
  let loader = ctx.loaders.get(name) as DataLoader<K, V> | undefined;
  if (!loader) {
    // A subscription's context lives as long as the subscription: batch its events' fields,
    // but never serve one event with data cached for an earlier one.
    loader = new DataLoader<K, V>(batch, { cache: ctx.connectionPrincipal === undefined });
    ctx.loaders.set(name, loader);
  }
  return loader;
}
