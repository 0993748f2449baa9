/**
 * The official SDK, imported once. Importing it creates the SDK's shared singleton `ApiClient`, whose configuration
 * polls `~/.genesyscloudjavascript/config` every few seconds and applies whatever it finds. We never use that
 * singleton (each client builds its own), so stop the polling: it could not reconfigure anything we use, but its
 * timer outlives Jest test files ("require after the environment has been torn down").
 */
import platformClient from 'purecloud-platform-client-v2';

platformClient.ApiClient.config.live_reload_config = false;

export { platformClient };

/** Region key (`us_east_1`) → domain (`mypurecloud.com`), from the SDK. */
export const GENESYS_REGION_HOSTS: Readonly<Record<string, string>> = platformClient.PureCloudRegionHosts;
