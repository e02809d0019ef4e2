import { Schema, model } from 'mongoose';

/**
 * The crisis-level fields of a crisis's studio draft (`_id` is the crisis slug). Its existence
 * also marks the draft as created: the entries are written before it.
 */
export interface DraftCrisisDoc {
  _id: string;
  title: Record<string, string>;
  summary: Record<string, string>;
  infoNumber: string;
  languages: string[];
  authority: { name: string; nis?: string };
  /** What editors read and send back: increases with every change of these fields. */
  revision: number;
  /** Increases with every write: the write lock is named after it. */
  seq: number;
  updatedBy?: string;
  updatedAt?: Date;
}

const draftCrisisSchema = new Schema<DraftCrisisDoc>(
  {
    _id: { type: String, required: true },
    title: { type: Schema.Types.Mixed, default: {} },
    summary: { type: Schema.Types.Mixed, default: {} },
    infoNumber: { type: String, required: true },
    languages: { type: [String], required: true },
    authority: { type: Schema.Types.Mixed, required: true },
    revision: { type: Number, required: true },
    seq: { type: Number, required: true },
    updatedBy: { type: String },
    updatedAt: { type: Date },
  },
  { collection: 'draftcrises', versionKey: false, minimize: false },
);

export const DraftCrisisModel = model<DraftCrisisDoc>('DraftCrisis', draftCrisisSchema);
