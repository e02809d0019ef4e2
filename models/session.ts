import { Schema, model } from 'mongoose';

/** A signed-in session. `_id` is the SHA-256 of the token, so a database leak reveals no usable token. */
const sessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    /** When the sign-in proved the second factor: acts behind it need no new code for a short while. */
    secondFactorAt: { type: Date },
  },
  { timestamps: true, collection: 'sessions', versionKey: false },
);
sessionSchema.index({ expiresAt: 1 });

export const SessionModel = model('Session', sessionSchema);
