import { registerEnumType } from '@nestjs/graphql';

/**
 * Whether the support team is available, as the weekly template and any temporary
 * unavailability make it: stories branch on it and each request records it at creation.
 */
export enum SupportTeamState {
  ONLINE = 'ONLINE',
  OFFLINE = 'OFFLINE',
}

registerEnumType(SupportTeamState, {
  name: 'SupportTeamState',
  description:
    'Whether the support team is available, as the weekly schedule and any temporary unavailability make it.',
  valuesMap: {
    ONLINE: { description: 'The team is available.' },
    OFFLINE: { description: 'The team is not available.' },
  },
});
