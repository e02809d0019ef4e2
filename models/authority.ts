import { Schema, model, type InferSchemaType } from 'mongoose';

/** A subscribed authority (the data of the subscription form), identified by its Belgian NIS code. */
const authoritySchema = new Schema(
  {
    nisCode: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    languages: { type: [String], required: true },
    contacts: {
      type: [
        new Schema(
          { name: { type: String, required: true }, role: String, email: String, phone: String },
          { _id: false },
        ),
      ],
      default: [],
    },
  },
  { timestamps: true, collection: 'authorities' },
);

export type AuthorityDoc = InferSchemaType<typeof authoritySchema> & {
  _id: import('mongoose').Types.ObjectId;
};
export const AuthorityModel = model('Authority', authoritySchema);
