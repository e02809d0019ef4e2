import type { Logger } from 'pino';
import { deleteDirectLineConversations } from '../channels';
import { deleteTicketPersonalData } from '../handoff';
import { botStates, CrisisModel, daysBefore, InteractionModel, UnansweredMessageModel } from '../models';
import { conversationKeyOf } from './idleState';

/**
 * Deletes the citizen data of exercises older than `retentionDays` (EXERCISE_RETENTION_DAYS,
 * shorter than the real service's periods: a drill's data is fictitious, but a player may have
 * typed something real): intakes, transcripts, callback numbers and relayed messages of its
 * tickets, its Direct Line activities, its conversation state and its citizens' questions in the
 * FAQ inbox (whose own, longer retention is the real service's). Its figures stay: the tickets,
 * the interaction log and the usage counts. Each exercise records how far it has been swept, so
 * an hourly sweep reads only what became old since the last one.
 */
export async function purgeExerciseData(options: {
  now: Date;
  retentionDays: number;
  logger: Logger;
}): Promise<number> {
  const cutoff = daysBefore(options.now, options.retentionDays);
  const exercises = await CrisisModel.find(
    { exercise: true, $or: [{ dataPurgedUntil: { $exists: false } }, { dataPurgedUntil: { $lt: cutoff } }] },
    { slug: 1, dataPurgedUntil: 1 },
  ).lean();
  let tickets = 0;
  for (const exercise of exercises) {
    const since = exercise.dataPurgedUntil ?? new Date(0);
    const within = { $gte: since, $lt: cutoff };
    const deleted = await deleteTicketPersonalData(
      { crisisSlug: exercise.slug, createdAt: within },
      options.now,
      true,
    );
    tickets += deleted.tickets;
    const logged = await InteractionModel.find(
      { crisisSlug: exercise.slug, at: within },
      { _id: 0, channelId: 1, conversationId: 1 },
    ).lean();
    const conversations = new Map(logged.map((e) => [conversationKeyOf(e.channelId, e.conversationId), e]));
    const directLine = [...conversations.values()]
      .filter((e) => e.channelId === 'directline')
      .map((e) => e.conversationId);
    await deleteDirectLineConversations(directLine);
    for (const { partition, routes } of await botStates.batchesOf([...conversations.keys()])) {
      await partition.deleteMany({ _id: { $in: routes } });
    }
    await UnansweredMessageModel.deleteMany({ crisisSlug: exercise.slug, at: within });
    // Tickets other writers held keep their data: the next sweep goes over the same period again.
    if (deleted.kept > 0) continue;
    await CrisisModel.updateOne({ slug: exercise.slug }, { $set: { dataPurgedUntil: cutoff } });
    options.logger.info(
      { slug: exercise.slug, conversations: conversations.size, cutoff: cutoff.toISOString() },
      'citizen data of an exercise deleted after its retention period',
    );
  }
  return tickets;
}
