export { keepEntityProperties } from './entitySerialization';
export {
  CHANNEL_CAPABILITIES,
  DEFAULT_CAPABILITIES,
  capabilitiesOf,
  type ChannelCapabilities,
  type ChannelClass,
} from './capabilities';
export { ChannelRendering, isProactiveTurn } from './channelRendering';
export { renderReply, type RenderedReply, type RenderOptions } from './replyRendering';
export { markdownToPlainText } from './plainText';
export { splitText } from './textSplitting';
export { LocalChannels, isLocalServiceUrl, localServiceUrl, type LocalChannelHandler } from './localChannels';
export { WhatsAppChannel, type WhatsAppDeps, type WhatsAppSettings } from './whatsappWebhook';
export { graphMessagesFor, type GraphMessage } from './whatsappMessages';
export { LANGUAGE_EVENT } from './clientEvents';
export { DirectLine } from './directLine';
export { deleteDirectLineConversations } from './directLineActivities';
export { DirectLineTokens } from './directLineTokens';
export { ConversationStarts } from './conversationStarts';
export { AzureDirectLine } from './azureDirectLine';
export { chatPageSecurityPolicy, registerWebChatPage } from './webChatPage';
