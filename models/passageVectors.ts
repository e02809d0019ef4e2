import { Schema, model } from 'mongoose';

/**
 * The vectors of a content's passages under one embeddings model, written once and read by every
 * process. The `_id` is a hash of the model's name and the passages' texts, so identical content
 * (a republished version, the same template in two crises) shares its vectors, and another model
 * or changed content never reads vectors that do not belong to it.
 */
const passageVectorsSchema = new Schema(
  {
    _id: { type: String, required: true },
    model: { type: String, required: true },
    dims: { type: Number, required: true },
    count: { type: Number, required: true },
    /** `count` x `dims` little-endian float32 values. */
    vectors: { type: Buffer, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'passagevectors', versionKey: false },
);

export const PassageVectorsModel = model('PassageVectors', passageVectorsSchema);
