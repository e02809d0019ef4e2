// eslint-disable-next-line @typescript-eslint/no-require-imports
const mappers = require('botframework-connector/lib/connectorApi/models/mappers') as {
  Entity: { type: { additionalProperties?: unknown } };
};

/**
 * The Connector client serialises entities with a mapper that knows only `type`, `text` and
 * `mentioned`, so the fields of our `crisis.reply` entity (and any schema.org entity) would be
 * dropped on the way to the channel. The Bot Framework schema allows extra entity properties;
 * this declares them, once, at start-up.
 */
export function keepEntityProperties(): void {
  mappers.Entity.type.additionalProperties = { type: { name: 'Object' } };
}
