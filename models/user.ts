import { Schema, model, type InferSchemaType } from 'mongoose';

export const ROLES = ['admin', 'operator', 'd2-agent', 'communicator', 'authority', 'supervisor'] as const;
export const PRESENCES = ['available', 'away'] as const;

/** A staff account. `passwordHash` is an argon2id hash; the password itself is never stored. */
const userSchema = new Schema(
  {
    username: { type: String, required: true, unique: true },
    displayName: { type: String, required: true },
    passwordHash: { type: String, required: true },
    roles: { type: [String], enum: ROLES, required: true },
    languages: { type: [String], required: true },
    presence: { type: String, enum: PRESENCES, required: true, default: 'away' },
    /** Communicators and authority users act for one authority (its NIS code). */
    authorityNis: { type: String },
    /** TOTP second factor: the secret sealed with the data key; enabled once a first code was verified. */
    totp: {
      type: new Schema({ iv: String, tag: String, data: String, keyId: String }, { _id: false }),
      required: false,
    },
    totpEnabled: { type: Boolean, default: false },
    /** A new secret, sealed like `totp`, that replaces it once a first code of it is confirmed. */
    totpPending: {
      type: new Schema({ iv: String, tag: String, data: String, keyId: String }, { _id: false }),
      required: false,
    },
    /** Refreshed while the user has the console open: who counts as online. */
    lastSeenAt: { type: Date },
    /** The last password sign-in, shown to administrators. */
    lastSignInAt: { type: Date },
    disabled: { type: Boolean, default: false },
  },
  { timestamps: true, collection: 'users' },
);

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: import('mongoose').Types.ObjectId };
export const UserModel = model('User', userSchema);
