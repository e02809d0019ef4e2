import { TicketModel, UserModel } from '../models';
import { QUEUE_ROLE, type Queue } from './types';

export interface StaffingPolicy {
  /** Conversations one operator handles at once. */
  capacity: number;
  /** Beyond this estimated wait the citizen is offered a callback instead of the queue. */
  maxWaitMinutes: number;
  /** Someone counts as online if the console reported in within this window. */
  onlineWindowMs: number;
}

export interface WaitEstimate {
  operatorsOnline: number;
  waitMinutes: number;
}

/** Handling time assumed until tickets have been handled in this crisis. */
const DEFAULT_HANDLE_MS = 5 * 60 * 1000;
const RECENT_TICKETS = 20;
const RECENT_WINDOW_MS = 2 * 60 * 60 * 1000;

/**
 * Estimates the wait of the ticket at `position` from who is online for its queue and language
 * and how long recent tickets of that queue took: free places are taken at once, the rest are
 * served as places free up, one handling time per place.
 */
export async function estimateWait(
  queue: Queue,
  lang: string,
  position: number,
  policy: StaffingPolicy,
  now = new Date(),
): Promise<WaitEstimate> {
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
  if (online.length === 0) return { operatorsOnline: 0, waitMinutes: Infinity };

  const ids = online.map((u) => u._id.toHexString());
  const busy = await TicketModel.countDocuments({ state: 'assigned', assignee: { $in: ids } });
  const places = online.length * policy.capacity;
  const free = Math.max(0, places - busy);
  if (position <= free) return { operatorsOnline: online.length, waitMinutes: 0 };

  const recent = await TicketModel.find(
    {
      queue,
      state: 'closed',
      assignedAt: { $exists: true },
      closedAt: { $gte: new Date(now.getTime() - RECENT_WINDOW_MS) },
    },
    { assignedAt: 1, closedAt: 1 },
  )
    .sort({ closedAt: -1 })
    .limit(RECENT_TICKETS)
    .lean();
  const handleMs =
    recent.length > 0
      ? recent.reduce((sum, t) => sum + (t.closedAt!.getTime() - t.assignedAt!.getTime()), 0) / recent.length
      : DEFAULT_HANDLE_MS;
  const waitMs = ((position - free) * handleMs) / places;
  return { operatorsOnline: online.length, waitMinutes: Math.max(1, Math.ceil(waitMs / 60_000)) };
}
