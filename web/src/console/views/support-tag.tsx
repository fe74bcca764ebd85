import { useQuery, useSubscription } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { useSession } from '../session';
import { formatRemaining } from '../time';

const SUPPORT_STATUS = graphql(`
  query ConsoleSupportStatus($botId: ID!) {
    supportStatus(botId: $botId) {
      botId
      state
      reason
      temporaryUnavailability {
        endsAt
        remainingSeconds
      }
    }
  }
`);

const SUPPORT_STATUS_CHANGED = graphql(`
  subscription ConsoleSupportStatusChanged($botId: ID!) {
    supportStatusChanged(botId: $botId) {
      botId
      state
      reason
      temporaryUnavailability {
        endsAt
        remainingSeconds
      }
    }
  }
`);

type Status = {
  state: 'ONLINE' | 'OFFLINE';
  temporaryUnavailability?: { remainingSeconds: number } | null;
};

/**
 * The header's support tag: "Support online" / "Support offline", and during a temporary
 * unavailability its remaining time, counted down here from the service's `remainingSeconds`
 * (so the browser's clock does not matter), live through supportStatusChanged.
 */
export function SupportTag() {
  const { botId } = useSession();
  const [{ data }, refetch] = useQuery({ query: SUPPORT_STATUS, variables: { botId } });
  const [live, setLive] = useState<{ status: Status; at: number } | null>(null);
  useSubscription({ query: SUPPORT_STATUS_CHANGED, variables: { botId } }, (_, event) => {
    setLive({ status: event.supportStatusChanged, at: Date.now() });
    return event;
  });
  const [receivedAt, setReceivedAt] = useState(Date.now());
  useEffect(() => setReceivedAt(Date.now()), [data]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const fromQuery = data ? { status: data.supportStatus as Status, at: receivedAt } : null;
  const latest = live && (!fromQuery || live.at >= fromQuery.at) ? live : fromQuery;
  const unavailability = latest?.status.temporaryUnavailability;
  const remaining = unavailability
    ? unavailability.remainingSeconds - Math.floor((now - latest.at) / 1000)
    : null;
  useEffect(() => {
    if (remaining !== null && remaining <= 0) {
      refetch();
    }
  }, [remaining !== null && remaining <= 0]);
  if (!latest) {
    return <span class="support-tag" data-testid="console-support-tag" />;
  }
  const online = latest.status.state === 'ONLINE';
  return (
    <span
      class={online ? 'support-tag online' : 'support-tag offline'}
      data-testid="console-support-tag"
      title={remaining !== null ? 'Temporarily unavailable' : undefined}
    >
      {online ? 'Support online' : 'Support offline'}
      {remaining !== null && remaining > 0 && ` · unavailable, ${formatRemaining(remaining)} left`}
    </span>
  );
}
