import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * One activity of a Direct Line conversation served by this project. `_id` is
 * `{conversationId}:{sequence, zero-padded}`: FerretDB serves only `_id` equality and ranges from
 * an index, so "the activities of a conversation after watermark N" is one `_id` range, and the
 * next sequence number is taken by inserting its `_id` (atomic there, unlike a conditional
 * update). The activity is encrypted (bound to `_id`): citizens write personal details in chats.
 */
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

export type DirectLineActivityDoc = InferSchemaType<typeof directLineActivitySchema>;
export const DirectLineActivityModel = model('DirectLineActivity', directLineActivitySchema);
