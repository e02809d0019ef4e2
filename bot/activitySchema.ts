import { z } from 'zod';

const channelAccount = z.looseObject({ id: z.string().min(1).max(256) });

/**
 * The shape an incoming activity must have before the SDK sees it: the SDK answers malformed
 * activities with a 500 or processes them half-way, so they are refused here with a 400.
 * Text length is not limited here: an over-long message is answered politely by the bot.
 */
export const incomingActivitySchema = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().max(256).optional(),
  channelId: z.string().min(1).max(64),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  conversation: channelAccount,
  from: channelAccount,
  recipient: channelAccount.optional(),
  text: z.string().max(100_000).optional(),
  locale: z.string().max(32).optional(),
});

export type IncomingActivity = z.infer<typeof incomingActivitySchema>;

export function activityProblems(body: unknown): string[] {
  const parsed = incomingActivitySchema.safeParse(body);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
}
