import { z } from 'zod';
import { isDuplicateKey, TariffModel } from '../models';
import { wholeHourInstant } from './hours';

const MAX_VERSION_ATTEMPTS = 5;
export const DEFAULT_SCOPE = 'default';

const cents = z.number().int().nonnegative().max(100_000_000);

/** The prices a tariff version may set, in euro cents; tokens per million so prices stay whole cents. */
const pricesSchema = z.object({
  activationCents: cents.optional(),
  operatorQuarterHourD5Cents: cents.optional(),
  operatorQuarterHourD2Cents: cents.optional(),
  personConversationCents: cents.optional(),
  messageCents: z
    .array(z.strictObject({ channel: z.string().min(1).max(64), cents }))
    .max(50)
    .refine((list) => new Set(list.map((p) => p.channel)).size === list.length, 'a channel is priced twice')
    .optional(),
  tokensInPerMillionCents: cents.optional(),
  tokensOutPerMillionCents: cents.optional(),
  /** Exercises pay this share of every price, in percent: 0 leaves them unbilled. */
  exercisePercent: z.number().int().min(0).max(1000).optional(),
});

const REQUIRED_IN_DEFAULT = [
  'activationCents',
  'operatorQuarterHourD5Cents',
  'operatorQuarterHourD2Cents',
  'personConversationCents',
  'tokensInPerMillionCents',
  'tokensOutPerMillionCents',
] as const;

/** A new tariff version as an admin submits it. */
export const tariffInputSchema = pricesSchema
  .extend({
    /** `default`, or the NIS code of the authority whose prices it overrides. */
    scope: z.union([z.literal(DEFAULT_SCOPE), z.string().regex(/^\d{5}$/, 'a 5-digit NIS code')]),
    /** On a whole hour: usage is counted per hour, so a price can only change between hours. */
    validFrom: wholeHourInstant,
    note: z.string().max(500).optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.scope !== DEFAULT_SCOPE) return;
    for (const field of REQUIRED_IN_DEFAULT) {
      if (input[field] === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'the default tariff sets every price' });
      }
    }
  });
export type TariffInput = z.infer<typeof tariffInputSchema>;

export interface TariffVersion extends z.infer<typeof pricesSchema> {
  id: string;
  scope: string;
  version: number;
  validFrom: Date;
  note?: string;
  createdBy: string;
  createdAt: Date;
}

/** The prices in force for one authority at one moment, and the versions they come from. */
export interface Prices {
  activationCents: number;
  operatorQuarterHourD5Cents: number;
  operatorQuarterHourD2Cents: number;
  personConversationCents: number;
  /** Channels not listed cost nothing per message. */
  messageCents: Record<string, number>;
  tokensInPerMillionCents: number;
  tokensOutPerMillionCents: number;
  /** Share of every price an exercise pays, in percent. */
  exercisePercent: number;
  /** e.g. `default:v2 + 99001:v1`; empty when no tariff was in force. */
  tariff: string;
}

/** Exercises are priced as real service until a tariff says otherwise. */
const DEFAULT_EXERCISE_PERCENT = 100;

function latestAt(versions: TariffVersion[], scope: string, at: Date): TariffVersion | undefined {
  let latest: TariffVersion | undefined;
  for (const v of versions) {
    if (v.scope !== scope || v.validFrom > at) continue;
    if (
      !latest ||
      v.validFrom > latest.validFrom ||
      (+v.validFrom === +latest.validFrom && v.version > latest.version)
    ) {
      latest = v;
    }
  }
  return latest;
}

/**
 * The default version in force at `at`, with the authority's override in force then laid over it
 * price by price (message prices channel by channel).
 */
export function pricesAt(versions: TariffVersion[], authorityNis: string | undefined, at: Date): Prices {
  const base = latestAt(versions, DEFAULT_SCOPE, at);
  const over = authorityNis ? latestAt(versions, authorityNis, at) : undefined;
  const pick = (field: (typeof REQUIRED_IN_DEFAULT)[number]) => over?.[field] ?? base?.[field] ?? 0;
  const messageCents: Record<string, number> = {};
  for (const { channel, cents: price } of [...(base?.messageCents ?? []), ...(over?.messageCents ?? [])]) {
    messageCents[channel] = price;
  }
  return {
    activationCents: pick('activationCents'),
    operatorQuarterHourD5Cents: pick('operatorQuarterHourD5Cents'),
    operatorQuarterHourD2Cents: pick('operatorQuarterHourD2Cents'),
    personConversationCents: pick('personConversationCents'),
    messageCents,
    tokensInPerMillionCents: pick('tokensInPerMillionCents'),
    tokensOutPerMillionCents: pick('tokensOutPerMillionCents'),
    exercisePercent: over?.exercisePercent ?? base?.exercisePercent ?? DEFAULT_EXERCISE_PERCENT,
    tariff: [base?.id, over?.id].filter(Boolean).join(' + '),
  };
}

/** The prices an exercise pays: each price scaled by the tariff's exercise share, rounded to the cent. */
export function exercisePrices(prices: Prices): Prices {
  const scale = (value: number) => Math.round((value * prices.exercisePercent) / 100);
  return {
    ...prices,
    activationCents: scale(prices.activationCents),
    operatorQuarterHourD5Cents: scale(prices.operatorQuarterHourD5Cents),
    operatorQuarterHourD2Cents: scale(prices.operatorQuarterHourD2Cents),
    personConversationCents: scale(prices.personConversationCents),
    messageCents: Object.fromEntries(
      Object.entries(prices.messageCents).map(([channel, price]) => [channel, scale(price)]),
    ),
    tokensInPerMillionCents: scale(prices.tokensInPerMillionCents),
    tokensOutPerMillionCents: scale(prices.tokensOutPerMillionCents),
  };
}

function toVersion(doc: Record<string, unknown>): TariffVersion {
  const { _id, ...rest } = doc;
  return { ...(rest as Omit<TariffVersion, 'id'>), id: String(_id) };
}

/** The tariff versions in the database; versions are only ever added. */
export class Tariffs {
  async list(scopes?: string[]): Promise<TariffVersion[]> {
    const filter = scopes ? { scope: { $in: scopes } } : {};
    const docs = await TariffModel.find(filter).sort({ scope: 1, version: 1 }).lean();
    return docs.map((doc) => toVersion(doc as unknown as Record<string, unknown>));
  }

  /** Adds the next version of its scope; two saving at once get distinct numbers (the `_id` is unique). */
  async add(input: TariffInput, createdBy: string): Promise<TariffVersion> {
    for (let attempt = 1; ; attempt += 1) {
      const existing = await this.list([input.scope]);
      const version = (existing.at(-1)?.version ?? 0) + 1;
      const doc = {
        ...input,
        _id: `${input.scope}:v${version}`,
        version,
        validFrom: new Date(input.validFrom),
        createdBy,
        createdAt: new Date(),
      };
      try {
        await TariffModel.create(doc);
        return toVersion(doc);
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= MAX_VERSION_ATTEMPTS) throw error;
      }
    }
  }
}
