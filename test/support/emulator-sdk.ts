/**
 * Official-SDK clients bound to an emulator, for integration tests. Each call builds a separate `ApiClient`
 * instance so tests do not share tokens or settings through the SDK's singleton.
 */
import platformClient from 'purecloud-platform-client-v2';

/** The SDK's `ApiClient` instance type. */
export type SdkApiClient = typeof platformClient.ApiClient;
export type SdkUsersApi = InstanceType<typeof platformClient.UsersApi>;
export type SdkGroupsApi = InstanceType<typeof platformClient.GroupsApi>;

/** An SDK client plus the two APIs the reconciler uses. */
export interface EmulatorSdk {
  client: SdkApiClient;
  users: SdkUsersApi;
  groups: SdkGroupsApi;
}

/** `ApiClientClass` is exported at runtime but missing from the SDK's typings. */
const ApiClientClass = (platformClient as unknown as { ApiClientClass: new () => SdkApiClient }).ApiClientClass;

/**
 * A fresh SDK client pointed at `emulatorUrl` through `setGateway` (before any login, as the SDK requires), with
 * config-file live reload off so a `~/.genesyscloudjavascript/config` cannot clear the gateway.
 */
export function sdkFor(emulatorUrl: string, opts: { extended?: boolean } = {}): EmulatorSdk {
  const client = new ApiClientClass();
  client.config.live_reload_config = false;
  const url = new URL(emulatorUrl);
  client.setGateway({ host: url.hostname, protocol: url.protocol.replace(':', ''), port: Number(url.port) });
  if (opts.extended) client.setReturnExtendedResponses(true);
  return { client, users: new platformClient.UsersApi(client), groups: new platformClient.GroupsApi(client) };
}

/** {@link sdkFor} plus a client-credentials login. */
export async function loggedInSdk(
  emulatorUrl: string,
  clientId: string,
  clientSecret: string,
  opts: { extended?: boolean } = {},
): Promise<EmulatorSdk> {
  const sdk = sdkFor(emulatorUrl, opts);
  await sdk.client.loginClientCredentialsGrant(clientId, clientSecret);
  return sdk;
}
