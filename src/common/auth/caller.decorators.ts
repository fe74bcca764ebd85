import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { GrantedAccess, GraphQLContext } from '../graphql/graphql-context';

function grantedAccess(context: ExecutionContext): GrantedAccess {
  const access = GqlExecutionContext.create(context).getContext<GraphQLContext>().access;
  if (!access) {
    throw new Error('The access guard did not run for this operation');
  }
  return access;
}

/** What the access guard established: the principal, and the bot and role its rule resolved. */
export const Granted = createParamDecorator(
  (_: unknown, context: ExecutionContext): GrantedAccess => grantedAccess(context),
);

/** The calling account's id, on operations whose rules admit accounts only. */
export const CallerAccountId = createParamDecorator(
  (_: unknown, context: ExecutionContext): string => {
    const { principal } = grantedAccess(context);
    if (principal?.kind !== 'account') {
      throw new Error('CallerAccountId used on an operation open to other callers than accounts');
    }
    return principal.accountId;
  },
);
