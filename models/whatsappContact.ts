import { Schema, model, type InferSchemaType } from 'mongoose';
import { PartitionedCollection } from './partitionedCollection';

/**
 * A citizen reachable on WhatsApp. `_id` is the conversation id, a keyed hash of the business
 * number and the citizen's number; the number itself is needed to write to them and is kept
 * sealed, and only while the 24-hour customer-service window can still be open.
 */
const whatsAppContactSchema = new Schema(
  {
    _id: { type: String, required: true },
    waId: {
      iv: { type: String, required: true },
      tag: { type: String, required: true },
      data: { type: String, required: true },
      keyId: { type: String, required: true },
    },
    /** When the citizen last wrote (their message's time): free-form replies are allowed for 24 h after it. */
    lastInboundAt: { type: Date, required: true },
  },
  { collection: 'whatsappcontacts', versionKey: false },
);
whatsAppContactSchema.index({ lastInboundAt: 1 });

export type WhatsAppContactDoc = InferSchemaType<typeof whatsAppContactSchema>;

/** Declares the one-collection layout (MongoDB) with its index; read and written through `whatsAppContacts`. */
model('WhatsAppContact', whatsAppContactSchema);

/** Read and written on every WhatsApp message and reply: partitioned by conversation. */
export const whatsAppContacts = new PartitionedCollection<WhatsAppContactDoc>(
  'whatsappcontacts',
  (doc) => doc._id,
);
