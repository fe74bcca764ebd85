import { useClient, useMutation, useQuery } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { problemOf, type Problem } from '../../shared/errors';
import {
  DAY,
  movedSlot,
  replaced,
  resizedSlot,
  slotForClick,
  toMinutes,
  toTime,
  WEEKDAYS,
  type CalendarSlot,
  type Weekday,
} from '../calendar';
import { useSession } from '../session';
import { formatRemaining } from '../time';

const SCHEDULE = graphql(`
  query ConsoleSchedule($botId: ID!) {
    bot(id: $botId) {
      id
      timeZone
      weeklySchedule {
        id
        weekday
        startTime
        endTime
      }
      temporaryUnavailability {
        endsAt
        remainingSeconds
      }
    }
  }
`);

const REPLACE = graphql(`
  mutation ConsoleReplaceWeeklySchedule($botId: ID!, $slots: [AvailabilitySlotInput!]!) {
    replaceWeeklySchedule(botId: $botId, slots: $slots) {
      id
    }
  }
`);

const ACTIVATE = graphql(`
  mutation ConsoleActivateUnavailability($botId: ID!, $hours: Int!, $minutes: Int!) {
    activateTemporaryUnavailability(botId: $botId, hours: $hours, minutes: $minutes) {
      endsAt
      remainingSeconds
    }
  }
`);

const END = graphql(`
  mutation ConsoleEndUnavailability($botId: ID!) {
    endTemporaryUnavailability(botId: $botId) {
      state
    }
  }
`);

/** Height of one hour in the calendar, in CSS pixels. */
const HOUR_PX = 24;
const DAY_LABELS: Record<Weekday, string> = {
  MONDAY: 'Mon',
  TUESDAY: 'Tue',
  WEDNESDAY: 'Wed',
  THURSDAY: 'Thu',
  FRIDAY: 'Fri',
  SATURDAY: 'Sat',
  SUNDAY: 'Sun',
};

const toPx = (minutes: number) => (minutes * HOUR_PX) / 60;
const toMin = (px: number) => (px * 60) / HOUR_PX;

interface Drag {
  id: string;
  mode: 'move' | 'resize';
  x: number;
  y: number;
  moved: boolean;
}

/** Support (administrators): the weekly calendar and the temporary unavailability. */
export function Support() {
  const { botId } = useSession();
  const client = useClient();
  const [{ data, error }, refetch] = useQuery({ query: SCHEDULE, variables: { botId } });
  const [, replace] = useMutation(REPLACE);
  const [slots, setSlots] = useState<CalendarSlot[]>([]);
  const [draft, setDraft] = useState<CalendarSlot | null>(null);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const columns = useRef<(HTMLDivElement | null)[]>([]);

  const toSlots = (
    schedule: { id: string; weekday: Weekday; startTime: string; endTime: string }[],
  ) =>
    schedule.map((slot) => ({
      id: slot.id,
      weekday: slot.weekday,
      start: toMinutes(slot.startTime),
      end: toMinutes(slot.endTime),
    }));
  useEffect(() => {
    if (data) {
      setSlots(toSlots(data.bot.weeklySchedule));
    }
  }, [data]);

  /** Saves the whole week at once, then reads it again from the service before the next edit. */
  const save = async (next: CalendarSlot[]) => {
    setSlots(next);
    setSaving(true);
    const result = await replace({
      botId,
      slots: next.map((slot) => ({
        weekday: slot.weekday,
        startTime: toTime(slot.start),
        endTime: toTime(slot.end),
      })),
    });
    const fresh = await client
      .query(SCHEDULE, { botId }, { requestPolicy: 'network-only' })
      .toPromise();
    if (fresh.data) {
      setSlots(toSlots(fresh.data.bot.weeklySchedule));
    }
    setProblem(problemOf(result.error) ?? problemOf(fresh.error));
    setSaving(false);
  };

  const minuteAt = (column: HTMLElement, clientY: number) =>
    toMin(clientY - column.getBoundingClientRect().top);
  const weekdayAt = (clientX: number): Weekday | null => {
    const index = columns.current.findIndex((column) => {
      const rect = column?.getBoundingClientRect();
      return rect && clientX >= rect.left && clientX < rect.right;
    });
    return index >= 0 ? WEEKDAYS[index] : null;
  };

  const onColumnClick = (weekday: Weekday, event: MouseEvent) => {
    if (event.target !== event.currentTarget || saving) {
      return;
    }
    const slot = slotForClick(
      slots,
      weekday,
      minuteAt(event.currentTarget as HTMLElement, event.clientY),
      `new-${Date.now()}`,
    );
    if (slot) {
      void save([...slots, slot]);
    }
  };

  /**
   * A drag follows the pointer over the whole window (the slot may change column, and so its
   * element), and ends wherever the button is released: a real move is saved, an overlap refused.
   */
  const onPointerDown = (slot: CalendarSlot, mode: Drag['mode'], event: PointerEvent) => {
    if (event.button !== 0 || saving) {
      return;
    }
    event.stopPropagation();
    event.preventDefault();
    const current: Drag = { id: slot.id, mode, x: event.clientX, y: event.clientY, moved: false };
    const before = slots;
    let result: CalendarSlot | null = null;
    const move = (moveEvent: PointerEvent) => {
      const dy = moveEvent.clientY - current.y;
      if (!current.moved && Math.abs(dy) < 3 && Math.abs(moveEvent.clientX - current.x) < 3) {
        return;
      }
      current.moved = true;
      result =
        mode === 'resize'
          ? resizedSlot(before, slot.id, slot.end + toMin(dy))
          : movedSlot(
              before,
              slot.id,
              weekdayAt(moveEvent.clientX) ?? slot.weekday,
              slot.start + toMin(dy),
            );
      setDraft(result);
    };
    const end = () => {
      removeEventListener('pointermove', move);
      removeEventListener('pointerup', end);
      removeEventListener('pointercancel', cancel);
      setDraft(null);
      if (current.moved && result) {
        void save(replaced(before, result));
      } else if (current.moved) {
        setProblem({ code: 'OVERLAP', words: 'Slots cannot overlap.' });
      }
    };
    const cancel = () => {
      current.moved = false;
      end();
    };
    addEventListener('pointermove', move);
    addEventListener('pointerup', end);
    addEventListener('pointercancel', cancel);
  };

  const shown = draft ? replaced(slots, draft) : slots;

  return (
    <section class="support-view" data-testid="console-support">
      <div class="calendar-column">
        <div class="toolbar">
          <h2>Weekly availability</h2>
          <span class="muted">
            Times in {data?.bot.timeZone ?? '…'} · click an empty time to add an hour, drag a slot
            to move it, drag its lower edge to extend it
          </span>
          {saving && (
            <span class="muted" data-testid="console-calendar-saving">
              Saving…
            </span>
          )}
        </div>
        {(problem ?? problemOf(error)) && (
          <p class="problem" role="alert">
            {(problem ?? problemOf(error))?.words}
          </p>
        )}
        <div class="calendar" data-testid="console-calendar">
          <div class="hours">
            <div class="day-head" />
            {Array.from({ length: 24 }, (_, hour) => (
              <div key={hour} class="hour-label" style={{ height: `${HOUR_PX}px` }}>
                {String(hour).padStart(2, '0')}:00
              </div>
            ))}
          </div>
          {WEEKDAYS.map((weekday, index) => (
            <div key={weekday} class="day">
              <div class="day-head">{DAY_LABELS[weekday]}</div>
              <div
                class="day-body"
                data-testid="console-calendar-day"
                data-weekday={weekday}
                ref={(element) => {
                  columns.current[index] = element;
                }}
                style={{ height: `${toPx(DAY)}px`, backgroundSize: `100% ${HOUR_PX}px` }}
                onClick={(event) => onColumnClick(weekday, event)}
              >
                {shown
                  .filter((slot) => slot.weekday === weekday)
                  .map((slot) => (
                    <div
                      key={slot.id}
                      class={draft?.id === slot.id ? 'slot dragging' : 'slot'}
                      data-testid="console-slot"
                      data-slot-id={slot.id}
                      data-weekday={slot.weekday}
                      data-start={toTime(slot.start)}
                      data-end={toTime(slot.end)}
                      style={{
                        top: `${toPx(slot.start)}px`,
                        height: `${toPx(slot.end - slot.start)}px`,
                      }}
                      onPointerDown={(event) => onPointerDown(slot, 'move', event)}
                    >
                      <span class="slot-time">
                        {toTime(slot.start)}–{toTime(slot.end)}
                      </span>
                      <button
                        type="button"
                        class="slot-remove"
                        aria-label="Remove this slot"
                        onPointerDown={(event) => event.stopPropagation()}
                        onClick={(event) => {
                          event.stopPropagation();
                          void save(slots.filter((other) => other.id !== slot.id));
                        }}
                      >
                        ×
                      </button>
                      <div
                        class="slot-resize"
                        data-testid="console-slot-resize"
                        onPointerDown={(event) => onPointerDown(slot, 'resize', event)}
                      />
                    </div>
                  ))}
              </div>
            </div>
          ))}
        </div>
      </div>
      <TemporaryUnavailability
        active={data?.bot.temporaryUnavailability ?? null}
        onChange={() => refetch({ requestPolicy: 'network-only' })}
      />
    </section>
  );
}

function TemporaryUnavailability({
  active,
  onChange,
}: {
  active: { remainingSeconds: number } | null;
  onChange: () => void;
}) {
  const { botId } = useSession();
  const [, activate] = useMutation(ACTIVATE);
  const [, end] = useMutation(END);
  const [hours, setHours] = useState('1');
  const [minutes, setMinutes] = useState('0');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [since, setSince] = useState(Date.now());
  const [now, setNow] = useState(Date.now());
  useEffect(() => setSince(Date.now()), [active]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const remaining = active ? active.remainingSeconds - Math.floor((now - since) / 1000) : null;

  const run = async (work: () => Promise<{ error?: Parameters<typeof problemOf>[0] }>) => {
    const result = await work();
    setProblem(problemOf(result.error));
    onChange();
  };

  return (
    <aside class="unavailability card">
      <h2>Temporary unavailability</h2>
      <p class="muted">
        The support team shows as offline from now for the time given (at most until the end of
        today), whatever the weekly calendar says.
      </p>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void run(() =>
            activate({ botId, hours: Number(hours) || 0, minutes: Number(minutes) || 0 }),
          );
        }}
      >
        <label>
          Hours
          <input
            data-testid="console-unavail-hours"
            type="number"
            min={0}
            max={23}
            value={hours}
            onInput={(event) => setHours(event.currentTarget.value)}
          />
        </label>
        <label>
          Minutes
          <input
            data-testid="console-unavail-minutes"
            type="number"
            min={0}
            max={59}
            value={minutes}
            onInput={(event) => setMinutes(event.currentTarget.value)}
          />
        </label>
        <button data-testid="console-unavail-activate" type="submit" class="primary">
          Activate
        </button>
      </form>
      {problem && (
        <p class="problem" role="alert">
          {problem.words}
        </p>
      )}
      {remaining !== null && remaining > 0 && (
        <p data-testid="console-unavail-remaining">
          Unavailable for another <strong>{formatRemaining(remaining)}</strong>{' '}
          <button type="button" onClick={() => void run(() => end({ botId }))}>
            End now
          </button>
        </p>
      )}
    </aside>
  );
}
