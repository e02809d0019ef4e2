import { Schema, model, type InferSchemaType } from 'mongoose';

/** A price per message on one channel (channel ids are not safe as field names: they may hold dots). */
const channelPriceSchema = new Schema({ channel: String, cents: Number }, { _id: false });

/**
 * One immutable version of a tariff, in euro cents: the default (`scope: 'default'`) or an
 * authority's override (`scope` = its NIS code), which sets only the prices it lists. `_id` is
 * `<scope>:v<n>`, so two admins saving at once cannot both take a version number. Versions are
 * only ever added: an issued report names the versions it applied.
 */
const tariffSchema = new Schema(
  {
    _id: { type: String, required: true },
    scope: { type: String, required: true },
    version: { type: Number, required: true },
    validFrom: { type: Date, required: true },
    activationCents: { type: Number },
    operatorQuarterHourD5Cents: { type: Number },
    operatorQuarterHourD2Cents: { type: Number },
    personConversationCents: { type: Number },
    messageCents: { type: [channelPriceSchema], default: undefined },
    tokensInPerMillionCents: { type: Number },
    tokensOutPerMillionCents: { type: Number },
    /** What exercises pay, in percent of every price (0: free); unset in every version: 100. */
    exercisePercent: { type: Number },
    note: { type: String },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'tariffs', versionKey: false },
);

export type TariffDoc = InferSchemaType<typeof tariffSchema>;
export const TariffModel = model('Tariff', tariffSchema);
