import { Schema, model, type InferSchemaType } from 'mongoose';

/** An immutable FAQ set of one crisis: written once by an import or a publish, never updated. */
const contentVersionSchema = new Schema(
  {
    crisisSlug: { type: String, required: true },
    version: { type: Number, required: true },
    /** The whole validated content file (crisis-content/v1), as imported. */
    content: { type: Schema.Types.Mixed, required: true },
    note: { type: String },
    createdBy: { type: String },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'contentversions' },
);
contentVersionSchema.index({ crisisSlug: 1, version: 1 }, { unique: true });

export type ContentVersionDoc = InferSchemaType<typeof contentVersionSchema>;
export const ContentVersionModel = model('ContentVersion', contentVersionSchema);
