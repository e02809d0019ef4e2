import { Schema, model } from 'mongoose';

/**
 * One entry of a crisis's studio draft. `_id` is `${crisisSlug}/${entryId}`: FerretDB serves only
 * `_id` equality from an index. A deleted entry stays as a tombstone so that its revision and
 * write sequence keep increasing if it is created again (the write locks are named after them).
 */
export interface DraftEntryDoc {
  _id: string;
  crisisSlug: string;
  entryId: string;
  order: number;
  category: string;
  question: Record<string, string>;
  alternatives: Record<string, string[]>;
  answer: Record<string, string>;
  links: { label: Record<string, string>; url: string }[];
  deleted: boolean;
  /**
   * Languages whose question and answer a language model drafted and no communicator has approved
   * or edited since: the draft cannot be published while any are left.
   */
  machineDrafted?: string[];
  /** What editors read and send back: increases with every change of the entry's content. */
  revision: number;
  /** Increases with every write, content or order: the write lock is named after it. */
  seq: number;
  updatedBy?: string;
  updatedAt?: Date;
}

const draftEntrySchema = new Schema<DraftEntryDoc>(
  {
    _id: { type: String, required: true },
    crisisSlug: { type: String, required: true },
    entryId: { type: String, required: true },
    order: { type: Number, required: true },
    category: { type: String, required: true },
    question: { type: Schema.Types.Mixed, default: {} },
    alternatives: { type: Schema.Types.Mixed, default: {} },
    answer: { type: Schema.Types.Mixed, default: {} },
    links: { type: Schema.Types.Mixed, default: [] },
    deleted: { type: Boolean, default: false },
    machineDrafted: { type: [String], default: undefined },
    revision: { type: Number, required: true },
    seq: { type: Number, required: true },
    updatedBy: { type: String },
    updatedAt: { type: Date },
  },
  { collection: 'draftentries', versionKey: false, minimize: false },
);
draftEntrySchema.index({ crisisSlug: 1 });

export const DraftEntryModel = model<DraftEntryDoc>('DraftEntry', draftEntrySchema);
