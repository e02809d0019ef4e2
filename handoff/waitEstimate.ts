import { activeTickets, CLOSED_KEPT_MS, UserModel } from '../models';
import { QUEUE_ROLE, type Queue } from './types';

export interface StaffingPolicy {
  /** Conversations one operator handles at once. */
  capacity: number;
  /** Beyond this estimated wait the citizen is offered a callback instead of the queue. */
  maxWaitMinutes: number;
  /** Someone counts as online if the console reported in within this window. */
  onlineWindowMs: number;
}

/** Who can serve a queue and language right now, read once for every place in it. */
export interface Staffing {
  operatorsOnline: number;
  /** Conversations the online operators can hold at once, and how many of those are free. */
  places: number;
  free: number;
  /** Mean handling time of recent tickets of the queue. */
  handleMs: number;
}

/** Handling time assumed until tickets have been handled in this crisis. */
export const DEFAULT_HANDLE_MS = 5 * 60 * 1000;
const RECENT_TICKETS = 20;
/** The active tickets keep closed ones this long. */
const RECENT_WINDOW_MS = CLOSED_KEPT_MS;
/**
 * How long a process reuses a queue's handling time: it moves slowly, and reading it means reading
 * closed tickets (on FerretDB, the active tickets' copies; on MongoDB, from an index).
 */
const HANDLE_TIME_REUSE_MS = 60_000;
const handleTimes = new Map<Queue, { at: number; ms: Promise<number> }>();

/** Mean handling time of the queue's recent tickets, read at most once a minute per process. */
function handleMsOf(queue: Queue, now: Date): Promise<number> {
  const known = handleTimes.get(queue);
  if (known && Math.abs(now.getTime() - known.at) < HANDLE_TIME_REUSE_MS) return known.ms;
  const ms = activeTickets
    .find(
      {
        queue,
        state: 'closed',
        assignedAt: { $exists: true },
        closedAt: { $gte: new Date(now.getTime() - RECENT_WINDOW_MS) },
      },
      { projection: { assignedAt: 1, closedAt: 1 }, sort: { closedAt: -1 }, limit: RECENT_TICKETS },
    )
    .then((recent) =>
      recent.length > 0
        ? recent.reduce((sum, t) => sum + (t.closedAt!.getTime() - t.assignedAt!.getTime()), 0) /
          recent.length
        : DEFAULT_HANDLE_MS,
    );
  handleTimes.set(queue, { at: now.getTime(), ms });
  ms.catch(() => handleTimes.delete(queue));
  return ms;
}

export async function staffingOf(
  queue: Queue,
  lang: string,
  policy: StaffingPolicy,
  now = new Date(),
  /** The assigned tickets, when the caller has just read them: spares a read of the tickets. */
  assigned?: Array<{ assignee?: string }>,
): Promise<Staffing> {
  const online = await UserModel.find(
    {
      roles: QUEUE_ROLE[queue],
      languages: lang,
      presence: 'available',
      disabled: { $ne: true },
      lastSeenAt: { $gte: new Date(now.getTime() - policy.onlineWindowMs) },
    },
    { _id: 1 },
  ).lean();
  if (online.length === 0) return { operatorsOnline: 0, places: 0, free: 0, handleMs: DEFAULT_HANDLE_MS };

  const ids = online.map((u) => u._id.toHexString());
  const busy = assigned
    ? assigned.filter((t) => t.assignee && ids.includes(t.assignee)).length
    : await activeTickets.count({ state: 'assigned', assignee: { $in: ids } });
  const handleMs = await handleMsOf(queue, now);
  const places = online.length * policy.capacity;
  return { operatorsOnline: online.length, places, free: Math.max(0, places - busy), handleMs };
}

/**
 * The estimated wait, in minutes, of the ticket at `position`: free places are taken at once, the
 * rest are served as places free up, one handling time per place. -1 when nobody is online.
 */
export function waitMinutesAt(position: number, staffing: Staffing): number {
  if (staffing.operatorsOnline === 0) return -1;
  if (position <= staffing.free) return 0;
  const waitMs = ((position - staffing.free) * staffing.handleMs) / staffing.places;
  return Math.max(1, Math.ceil(waitMs / 60_000));
}
