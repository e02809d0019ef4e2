import { Schema, model } from 'mongoose';
import { PartitionedCollection } from './partitionedCollection';

/**
 * One activity of a Direct Line conversation served by this project. `_id` is
 * `{conversationId}:{sequence, zero-padded}`: the activities of a conversation are found by
 * looking up their `_id`s one after another (FerretDB serves nothing else without reading the
 * whole collection), and the next sequence number is taken by inserting its `_id` (atomic there,
 * unlike a conditional update). The activity is encrypted (bound to `_id`): citizens write
 * personal details in chats.
 */
export interface DirectLineActivityDoc {
  _id: string;
  at: Date;
  /** Sealed with the data key (handoff/intakeCipher.ts). */
  activity: { iv: string; tag: string; data: string; keyId: string };
}

const directLineActivitySchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    activity: {
      type: new Schema({ iv: String, tag: String, data: String, keyId: String }, { _id: false }),
      required: true,
    },
  },
  { collection: 'directlineactivities', versionKey: false },
);
directLineActivitySchema.index({ at: 1 });

/** Declares the one-collection layout (MongoDB) with its index; read and written through `directLineActivities`. */
model('DirectLineActivity', directLineActivitySchema);

/** The conversation of an activity's `_id`. */
export const conversationOfActivity = (id: string) => id.slice(0, id.lastIndexOf(':'));

export const directLineActivities = new PartitionedCollection<DirectLineActivityDoc>(
  'directlineactivities',
  (doc) => conversationOfActivity(doc._id),
);
