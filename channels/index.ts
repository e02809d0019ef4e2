export { keepEntityProperties } from './entitySerialization';
export { LocalChannels, isLocalServiceUrl, localServiceUrl, type LocalChannelHandler } from './localChannels';
export { LANGUAGE_EVENT } from './clientEvents';
export { DirectLine } from './directLine';
export { DirectLineTokens } from './directLineTokens';
export { ConversationStarts } from './conversationStarts';
export { AzureDirectLine } from './azureDirectLine';
export { chatPageSecurityPolicy, registerWebChatPage } from './webChatPage';
