import type { Activity, CloudAdapter, TurnContext } from 'botbuilder';
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ClaimsIdentity,
  ConnectorClient,
  ConnectorFactory,
  MicrosoftAppCredentials,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type UserTokenClient,
} from 'botframework-connector';
import { AzureCoreHttpCompat } from 'botbuilder-stdlib';

/**
 * `.invalid` is reserved (RFC 2606): these serviceUrls never resolve, so a reply for a local
 * channel that somehow took the network path fails instead of reaching someone else's server.
 */
const LOCAL_DOMAIN = '.local.invalid';
const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,30}$/;
/**
 * The channel ids of the channels this project serves itself. Conversation state, tickets and
 * relays are keyed by channel id and conversation id, so an activity claiming one of these from
 * outside would join a citizen's conversation: refused even where the channel is not turned on.
 */
const OWN_CHANNEL_IDS = new Set(['directline', 'whatsapp']);
/** The Connector API route a bot posts its activities to (send, or reply to an activity). */
const ACTIVITY_ROUTE = /^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?$/;

/** What a channel the project serves itself does with the activities the bot sends into its conversations. */
export interface LocalChannelHandler {
  /** Takes one activity for the conversation (already serialised as on the wire); answers the id it gave it. */
  send(conversationId: string, activity: Partial<Activity>): Promise<{ id: string }>;
}

export function localServiceUrl(name: string): string {
  return `https://${name}${LOCAL_DOMAIN}`;
}

/** True for every serviceUrl of the local domain, registered or not: no caller from outside may claim one. */
export function isLocalServiceUrl(serviceUrl: string): boolean {
  try {
    return new URL(serviceUrl).hostname.toLowerCase().endsWith(LOCAL_DOMAIN);
  } catch {
    return false;
  }
}

type TurnLogic = (context: TurnContext) => Promise<void>;

/**
 * Channels this bot serves itself (the Direct Line endpoint, the WhatsApp webhook). Each gets a
 * serviceUrl that cannot resolve; the bot's Connector calls to it, replies and proactive sends
 * alike and from whichever process, are handed in-process to the channel's handler instead of
 * HTTP. Citizens' activities enter the same turn pipeline as /api/messages without its
 * authentication, which is for Azure's channels: the local channel has authenticated them.
 */
export class LocalChannels {
  private readonly handlers = new Map<string, LocalChannelHandler>();
  private readonly names = new Set<string>();
  private auth?: BotFrameworkAuthentication;
  private turns?: { adapter: CloudAdapter; logic: TurnLogic };

  constructor(private readonly appId = '') {}

  /** Registers a channel's handler; answers the serviceUrl its activities must carry. */
  register(name: string, handler: LocalChannelHandler): string {
    if (!CHANNEL_NAME.test(name)) throw new Error(`invalid local channel name: ${name}`);
    const serviceUrl = localServiceUrl(name);
    if (this.handlers.has(new URL(serviceUrl).host))
      throw new Error(`local channel ${name} already registered`);
    this.handlers.set(new URL(serviceUrl).host, handler);
    this.names.add(name);
    return serviceUrl;
  }

  /** True for the channel id of a channel served here (registered or not), in any letter case. */
  isOwnChannelId(channelId: string): boolean {
    const id = channelId.toLowerCase();
    return OWN_CHANNEL_IDS.has(id) || this.names.has(id);
  }

  /** The app's authentication, with Connector clients for local serviceUrls dispatching in-process. */
  authentication(inner: BotFrameworkAuthentication): BotFrameworkAuthentication {
    this.auth = new LocalChannelsAuthentication(inner, (serviceUrl) => this.handlerFor(serviceUrl));
    return this.auth;
  }

  /** Gives the adapter (built with `authentication()`) and the turn logic that delivered activities run through. */
  connect(adapter: CloudAdapter, logic: TurnLogic): void {
    this.turns = { adapter, logic };
  }

  /**
   * Runs a citizen's activity through the adapter's middleware and the bot, as /api/messages
   * would; resolves once the turn is over (its replies handed to the channel's handler).
   */
  async deliver(activity: Activity): Promise<void> {
    if (!this.turns || !this.auth) throw new Error('local channels are not connected to the adapter');
    if (!this.handlerFor(activity.serviceUrl)) {
      throw new Error(`not the serviceUrl of a registered local channel: ${activity.serviceUrl}`);
    }
    const claimsIdentity = new ClaimsIdentity(
      [
        { type: AuthenticationConstants.AudienceClaim, value: this.appId },
        { type: AuthenticationConstants.AppIdClaim, value: this.appId },
      ],
      true,
    );
    const authenticated: AuthenticateRequestResult = {
      audience: AuthenticationConstants.ToChannelFromBotOAuthScope,
      claimsIdentity,
      connectorFactory: this.auth.createConnectorFactory(claimsIdentity),
    };
    await this.turns.adapter.processActivityDirect(authenticated, activity, this.turns.logic);
  }

  private handlerFor(serviceUrl: string | undefined): LocalChannelHandler | undefined {
    if (!serviceUrl || !isLocalServiceUrl(serviceUrl)) return undefined;
    return this.handlers.get(new URL(serviceUrl).host);
  }
}

/** The HTTP client of a local channel's Connector: the wire request goes to the handler, not the network. */
class LocalHttpClient implements AzureCoreHttpCompat.HttpClient {
  constructor(private readonly handler: LocalChannelHandler) {}

  async sendRequest(
    request: AzureCoreHttpCompat.WebResourceLike,
  ): Promise<AzureCoreHttpCompat.HttpOperationResponse> {
    const url = new URL(request.url);
    const route = ACTIVITY_ROUTE.exec(url.pathname);
    if (request.method !== 'POST' || !route) {
      throw new Error(
        `local channel ${url.host} takes posted activities only, not ${request.method} ${url.pathname}`,
      );
    }
    const activity = JSON.parse(String(request.body)) as Partial<Activity>;
    const { id } = await this.handler.send(decodeURIComponent(route[1]!), activity);
    return {
      request,
      status: 200,
      headers: new AzureCoreHttpCompat.HttpHeaders({ 'content-type': 'application/json' }),
      bodyAsText: JSON.stringify({ id }),
    };
  }
}

class LocalConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly handlerFor: (serviceUrl: string) => LocalChannelHandler | undefined,
  ) {
    super();
  }

  override async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const handler = this.handlerFor(serviceUrl);
    if (!handler) return this.inner.create(serviceUrl, audience);
    // Nothing leaves the process, so no Azure token is fetched for it: empty credentials sign nothing.
    return new ConnectorClient(new MicrosoftAppCredentials('', ''), {
      baseUri: serviceUrl,
      httpClient: new LocalHttpClient(handler),
      noRetryPolicy: true,
    });
  }
}

/**
 * Delegates everything to the app's authentication. Only connector factories created from claims
 * (proactive sends, local deliveries) know local channels: a request to /api/messages gets the
 * inner factory from `authenticateRequest`, so its replies never reach a local handler.
 */
class LocalChannelsAuthentication extends BotFrameworkAuthentication {
  constructor(
    private readonly inner: BotFrameworkAuthentication,
    private readonly handlerFor: (serviceUrl: string) => LocalChannelHandler | undefined,
  ) {
    super();
  }

  override authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateRequest(activity, authHeader);
  }

  override authenticateStreamingRequest(
    authHeader: string,
    channelIdHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new LocalConnectorFactory(this.inner.createConnectorFactory(claimsIdentity), this.handlerFor);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.inner.createUserTokenClient(claimsIdentity);
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }
}
