import { Schema, model, type InferSchemaType } from 'mongoose';

export const LANGUAGES = ['fr', 'nl', 'de', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];

const crisisSchema = new Schema(
  {
    slug: { type: String, required: true, unique: true },
    status: { type: String, enum: ['active', 'inactive'], required: true, default: 'active' },
    /** NIS code of the authority the crisis belongs to (its communicators edit it); from the content file. */
    authorityNis: { type: String },
    languages: { type: [String], required: true },
    /** Number of the live content version; the live text itself lives in `contentversions`. */
    liveVersion: { type: Number, required: true },
    activatedAt: { type: Date, required: true },
    deactivatedAt: { type: Date },
    /** A drill: marked on every citizen-facing and staff surface, billed and reported apart, its citizen data kept briefly. */
    exercise: { type: Boolean, default: false },
    /** An exercise's citizen data older than this is gone (bot/exerciseRetention.ts). */
    dataPurgedUntil: { type: Date },
  },
  { timestamps: true, collection: 'crises' },
);

export type CrisisDoc = InferSchemaType<typeof crisisSchema>;
export const CrisisModel = model('Crisis', crisisSchema);
