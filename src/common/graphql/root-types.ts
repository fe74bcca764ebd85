import { GraphQLSchema } from 'graphql';

/**
 * Descriptions of the root operation types, which code-first decorators cannot reach: they are
 * set on the built schema (Apollo's `transformSchema`), so they reach schema.gql and the IDE.
 */
export const ROOT_TYPE_DESCRIPTIONS = {
  query:
    'Reads, over HTTP POST /graphql with `Authorization: Bearer <token>`: an account token, an end-user token or a bot engine key, as each field says. Without a valid token: UNAUTHENTICATED; a token of a kind the field does not take: FORBIDDEN; a resource the caller may not reach: NOT_FOUND, exactly like one that does not exist. Every error carries extensions.code.',
  mutation:
    'Changes, over HTTP POST /graphql with `Authorization: Bearer <token>`; register, login and startEndUserSession need no token. Without a valid token: UNAUTHENTICATED; a token of a kind the field does not take: FORBIDDEN; a resource the caller may not reach: NOT_FOUND, exactly like one that does not exist. Every error carries extensions.code.',
  subscription:
    'Live events over graphql-ws on /graphql; the token goes once, in the connection_init payload `{ "authorization": "Bearer <token>" }`; without a valid one the connection is closed with 4403. Refusals follow the rules of Query.',
} as const;

export function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  const roots = {
    query: schema.getQueryType(),
    mutation: schema.getMutationType(),
    subscription: schema.getSubscriptionType(),
  };
  for (const [kind, type] of Object.entries(roots)) {
    if (type && !type.description) {
      type.description = ROOT_TYPE_DESCRIPTIONS[kind as keyof typeof ROOT_TYPE_DESCRIPTIONS];
    }
  }
  return schema;
}
