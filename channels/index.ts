export { keepEntityProperties } from './entitySerialization';
export { LocalChannels, isLocalServiceUrl, localServiceUrl, type LocalChannelHandler } from './localChannels';
