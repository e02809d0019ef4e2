import type { StoreItem } from 'botbuilder';
import type { Logger } from 'pino';
import { HANDOFF_DIALOG, VICTIM_INQUIRY_DIALOG } from '../dialogs';
import { botStates } from '../models';

/** Flows whose state must wait for the citizen however long they are away: an intake, a handoff. */
const HOLDING_DIALOGS = new Set<unknown>([VICTIM_INQUIRY_DIALOG, HANDOFF_DIALOG]);

interface DialogStackHolder {
  dialogStack?: Array<{ id?: unknown; state?: { dialogs?: DialogStackHolder } }>;
}

/** Whether a dialog stack, or the stack of a component dialog on it, runs a holding flow. */
function stackHolds(dialogs: DialogStackHolder | undefined): boolean {
  return (dialogs?.dialogStack ?? []).some(
    (instance) => HOLDING_DIALOGS.has(instance.id) || stackHolds(instance.state?.dialogs),
  );
}

/**
 * Whether conversation state (as `bot/crisisBot.ts` keeps it, the dialogs under `dialogs`) must
 * outlive the idle period: a victim inquiry or a handoff is under way in it.
 */
export function holdsState(state: StoreItem): boolean {
  return stackHolds((state as { dialogs?: DialogStackHolder }).dialogs);
}

/** The part of a storage key (`{channel}/conversations/{conversation}/{namespace}`) that names the conversation. */
export const conversationKeyOf = (channelId: string, conversationId: string) =>
  `${channelId}/conversations/${conversationId}/`;

/**
 * Deletes the conversation state of citizens who have not written for `idleHours`: a returning
 * citizen starts a fresh conversation, and the collections read on every turn keep only the
 * conversations of the last hours. State that holds a flow under way, or whose conversation has
 * an open ticket (`withOpenTicket`, conversation keys), stays until the retention period.
 * Run by the hourly sweep; each partition is small, so reading it whole costs little.
 */
export async function purgeIdleState(options: {
  now: Date;
  idleHours: number;
  withOpenTicket: () => Promise<Set<string>>;
  logger: Logger;
}): Promise<number> {
  const cutoff = new Date(options.now.getTime() - options.idleHours * 3_600_000);
  const filter = { updatedAt: { $lt: cutoff }, held: { $ne: true } };
  let open: Set<string> | undefined;
  let deleted = 0;
  for (const partition of await botStates.all()) {
    const idle = await partition.find(filter, { projection: { _id: 1 } }).toArray();
    if (idle.length === 0) continue;
    open ??= await options.withOpenTicket();
    const ids = idle
      .map((doc) => doc._id)
      .filter((key) => !open!.has(key.slice(0, key.lastIndexOf('/') + 1)));
    if (ids.length === 0) continue;
    // The filter again: a citizen who wrote since the read keeps their state.
    deleted += (await partition.deleteMany({ ...filter, _id: { $in: ids } })).deletedCount;
  }
  if (deleted > 0)
    options.logger.info({ deleted, idleHours: options.idleHours }, 'idle conversation state deleted');
  return deleted;
}
